"""Commands of check-ins and corrections, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Report:
    """What a check-in says: value, confidence, a note in three parts, blockers, and when it was
    true."""

    value: float | bool
    confidence: int
    note: dict[str, str] = field(default_factory=dict)
    blockers: tuple[str, ...] = ()
    effective_at: datetime | None = None


@dataclass(frozen=True)
class RecordCheckIn:
    """A check-in; with an `idempotency_key`, a retry of the same request records nothing new."""

    key_result_id: str
    report: Report
    idempotency_key: str | None = None


@dataclass(frozen=True)
class CorrectCheckIn:
    key_result_id: str
    corrects: str
    report: Report
    reason: str
