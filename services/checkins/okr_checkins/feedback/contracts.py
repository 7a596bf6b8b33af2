"""Feedback events in their published `okr.checkins.v1` form."""

from __future__ import annotations

from okr_checkins.feedback.domain import FeedbackThread
from okr_shared.contracts.mappings import Mapper

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
