"""Commands of the check-in service, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Report:
    """What a check-in says: value, confidence, a note in three parts, blockers, and when it was true."""

    value: float | bool
    confidence: int
    note: dict[str, str] = field(default_factory=dict)
    blockers: tuple[str, ...] = ()
    effective_at: datetime | None = None


@dataclass(frozen=True)
class RecordCheckIn:
    key_result_id: str
    report: Report


@dataclass(frozen=True)
class CorrectCheckIn:
    key_result_id: str
    corrects: str
    report: Report
    reason: str


@dataclass(frozen=True)
class FeedItem:
    source_key: str
    key_result_id: str
    report: Report


@dataclass(frozen=True)
class SetCadence:
    cadence: str
    org_unit_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class StartConversation:
    person_id: str
    topic: str
    manager_id: str | None = None


@dataclass(frozen=True)
class GiveFeedback:
    objective_id: str
    kind: str
    text: str
    key_result_id: str | None = None
