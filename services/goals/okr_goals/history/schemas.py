"""Response bodies of the history and time-travel routes, and how a stored event is shown."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from okr_goals.objectives.schemas import (
    AlignmentOut,
    KeyResultOut,
)


class HistoryEntryOut(BaseModel):
    version: int
    event: str
    recorded_at: datetime
    actor_id: str
    correlation_id: str | None
    reason: str | None
    correction: bool
    changes: dict[str, Any]


class TreeNodeOut(BaseModel):
    """An objective in the alignment tree, with the objectives supporting it below."""

    objective_id: str
    title: str
    level: str
    owner_type: str
    owner_id: str
    org_unit_id: str | None
    status: str
    visibility: str
    version: int
    modified_on: datetime
    key_results: list[KeyResultOut]
    alignments: list[AlignmentOut]
    weight: float | None
    children: list[TreeNodeOut]


class TreeOut(BaseModel):
    cycle_id: str
    cycle_state: str
    as_of: datetime
    org_unit_id: str | None
    objective_count: int
    roots: list[TreeNodeOut]


_EVENT_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "meta",
    "request_fingerprint",
    "reason",
    "correction",
}


def history_entry(event: Any) -> HistoryEntryOut:
    """One stored event as an auditor reads it: what changed, who, when and why."""
    state = {k: v for k, v in event.__dict__.items() if k not in _EVENT_FIELDS}
    return HistoryEntryOut(
        version=event.originator_version,
        event=type(event).__name__,
        recorded_at=event.timestamp,
        actor_id=event.meta["actor_id"],
        correlation_id=event.meta.get("correlation_id"),
        reason=getattr(event, "reason", None),
        correction=bool(getattr(event, "correction", False)),
        changes=state,
    )
