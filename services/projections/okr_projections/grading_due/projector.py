"""Folds grading reminders into the people's open grading, and settles it by scores and
finalisation."""

from __future__ import annotations

from typing import Any

from okr_projections.grading_due.store import GradingDueStore


class GradingDueProjector:
    """`GradingDue` and `GradingOverdue` open items; `KeyResultScored` and `ReviewFinalised`
    settle them."""

    def __init__(self, store: GradingDueStore) -> None:
        self.store = store

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the reminder changed its item."""
        return await self.store.apply_reminder(event_type, data, meta)

    async def settle(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the score or finalisation changed the review's grading state or an item."""
        return await self.store.apply_score(event_type, data, meta)
