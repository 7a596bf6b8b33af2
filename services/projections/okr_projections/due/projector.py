"""Folds reminders into the check-ins due, settled by the key result's live check-ins."""

from __future__ import annotations

from typing import Any

from okr_projections.check_ins.store import CheckInStore
from okr_projections.due.store import DueStore


class DueProjector:
    """`CheckInDue` and `CheckInOverdue`: the period is recorded on the key result's check-in
    log."""

    def __init__(self, check_ins: CheckInStore, due: DueStore) -> None:
        self.check_ins = check_ins
        self.due = due

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the reminder changed its due item."""
        log = await self.check_ins.add_period(data, meta)
        return await self.due.apply_reminder(event_type, data, meta, log["check_ins"])
