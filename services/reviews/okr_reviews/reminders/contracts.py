"""Grading reminder events in their published `okr.reviews.v1` form: subject (the review id) and
data."""

from __future__ import annotations

from typing import Any

from okr_reviews.reminders.domain import GradingReminderLedger
from okr_shared.contracts.mappings import Mapper

_FIELDS = (
    "review_id",
    "cycle_id",
    "objective_id",
    "key_result_ids",
    "person_id",
    "role",
    "period_start",
    "period_end",
    "due_by",
)


def _reminder(e: Any) -> tuple[str, dict[str, Any]]:
    return e.review_id, {k: getattr(e, k) for k in _FIELDS}


MAPPERS: dict[type, tuple[str, Mapper]] = {
    GradingReminderLedger.DueSent: ("GradingDue", _reminder),
    GradingReminderLedger.OverdueSent: ("GradingOverdue", _reminder),
}
