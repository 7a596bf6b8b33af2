"""Feedback events in their published `okr.checkins.v1` form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okr_checkins.feedback.domain import FeedbackThread

Mapper = Callable[[Any], tuple[str, dict[str, Any]]]

MAPPERS: dict[type, tuple[str, Mapper]] = {
    FeedbackThread.Given: (
        "FeedbackGiven",
        lambda e: (
            e.objective_id,
            {
                "feedback_id": e.feedback_id,
                "objective_id": e.objective_id,
                "key_result_id": e.key_result_id,
                "kind": e.kind,
                "text": e.text,
                "author_id": e.author_id,
            },
        ),
    ),
}
