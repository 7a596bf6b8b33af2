"""Check-ins due per person: pure folds of `CheckInDue`/`CheckInOverdue` and of the check-ins
that settle them.

One item per key result and period. What the reminders said only escalates (due, then
overdue), so duplicates and redeliveries change nothing. A live check-in effective within
[period_start, period_end) makes the item `done`, whenever it arrives; a correction that moves
that check-in out of the period opens the item again.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from okr_projections.check_in_state import as_time
from okr_projections.documents import Document, Meta, new_document

REMINDER_EVENTS = {"CheckInDue": "due", "CheckInOverdue": "overdue"}
OPEN_STATUSES = ("due", "overdue")
_RANK = {"due": 0, "overdue": 1}


def due_key(tenant_id: str, key_result_id: str, period_start: str) -> str:
    """The `_id` of the due item of a key result for the period starting at `period_start` (as
    published)."""
    return f"{tenant_id}:{key_result_id}:{period_start}"


def period_of(data: dict[str, Any]) -> dict[str, str]:
    """The period a reminder is about, as published."""
    return {"period_start": data["period_start"], "period_end": data["period_end"]}


def settled(doc: Document, done_by: str | None) -> Document:
    """The item with the live check-in effective within its period (None: none) and the status
    that follows."""
    return {**doc, "done_by": done_by, "status": "done" if done_by else doc["reminder"]}


def apply_reminder(
    doc: Document | None, event_type: str, data: dict[str, Any], meta: Meta, done_by: str | None
) -> Document:
    """The due item after a reminder; `done_by` is the live check-in effective within its period,
    if any."""
    reminder = REMINDER_EVENTS[event_type]
    if doc is None:
        doc = new_document(
            due_key(meta["tenant_id"], data["key_result_id"], data["period_start"]),
            meta,
            {
                "key_result_id": data["key_result_id"],
                "period_start": as_time(data["period_start"]),
                "period_end": as_time(data["period_end"]),
                "reminder": reminder,
                "due_at": None,
                "overdue_at": None,
            },
        )
    doc = copy.deepcopy(doc)
    if _RANK[reminder] >= _RANK[doc["reminder"]]:
        doc.update(
            reminder=reminder,
            owner_id=data["owner_id"],
            objective_id=data["objective_id"],
            cadence=data["cadence"],
        )
    if doc[f"{reminder}_at"] is None:
        doc[f"{reminder}_at"] = as_time(meta["time"])
    return settled(doc, done_by)


def periods_containing(
    periods: Iterable[dict[str, str]], times: Iterable[datetime]
) -> list[dict[str, str]]:
    """The reminder periods that contain any of the times."""
    moments = list(times)
    return [
        p
        for p in periods
        if any(as_time(p["period_start"]) <= t < as_time(p["period_end"]) for t in moments)
    ]
