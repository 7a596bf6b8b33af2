"""What a check-in must look like for its key result and cycle: value type, confidence, time window."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from typing import Any

from okr_checkins.domain.errors import KeyResultClosed
from okr_shared.errors import InvalidField

CLOCK_SKEW = timedelta(minutes=5)
NOTE_PARTS = ("progress", "plans", "problems")
OPEN_CYCLE_STATES = ("active", "grading")


def check_value(kind: str, value: Any, pointer: str = "#/value") -> float | bool:
    """A milestone takes done (true) or not done (false); every other kind a finite number."""
    if kind == "milestone":
        if not isinstance(value, bool):
            raise InvalidField(
                pointer, "must be true (done) or false (not done) for a milestone key result"
            )
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidField(pointer, f"must be a finite number for a {kind} key result")
    return float(value)


def check_confidence(confidence: Any, pointer: str = "#/confidence") -> int:
    if isinstance(confidence, bool) or not isinstance(confidence, int) or not 0 <= confidence <= 10:
        raise InvalidField(pointer, "must be a whole number from 0 to 10")
    return confidence


def check_note(note: dict[str, str], blockers: list[str], pointer: str = "#") -> None:
    for part in note:
        if part not in NOTE_PARTS:
            raise InvalidField(f"{pointer}/note/{part}", f"note parts are {', '.join(NOTE_PARTS)}")
        if len(note[part]) > 4000:
            raise InvalidField(f"{pointer}/note/{part}", "must be at most 4000 characters")
    if len(blockers) > 20:
        raise InvalidField(f"{pointer}/blockers", "at most 20 blockers")
    for i, blocker in enumerate(blockers):
        if not 1 <= len(blocker.strip()) <= 500:
            raise InvalidField(f"{pointer}/blockers/{i}", "must be 1 to 500 characters")


def cycle_window(cycle: dict[str, Any]) -> tuple[datetime, datetime]:
    """The cycle as [first instant, first instant after its last day), in UTC."""
    start = datetime.combine(datetime.fromisoformat(cycle["starts_on"]).date(), time(), UTC)
    end = datetime.combine(
        datetime.fromisoformat(cycle["ends_on"]).date(), time(), UTC
    ) + timedelta(days=1)
    return start, end


def check_effective_at(
    effective_at: datetime, cycle: dict[str, Any], now: datetime, pointer: str = "#/effective_at"
) -> datetime:
    """Back-dating is fine within the cycle; the future and times outside the cycle are not."""
    if effective_at.tzinfo is None:
        raise InvalidField(pointer, "must include a time-zone offset, e.g. Z")
    if effective_at > now + CLOCK_SKEW:
        raise InvalidField(pointer, "must not be in the future")
    start, end = cycle_window(cycle)
    if not start <= effective_at < end:
        raise InvalidField(
            pointer,
            f"must fall within cycle {cycle['cycle_id']} "
            f"({cycle['starts_on']} to {cycle['ends_on']})",
        )
    return effective_at.astimezone(UTC)


def check_open(
    objective: dict[str, Any], cycle: dict[str, Any] | None, pointer: str = "#/key_result_id"
) -> None:
    """Raises unless the key result takes check-ins: objective active, cycle active or grading."""
    if objective["status"] != "active":
        raise KeyResultClosed(pointer, f"the objective is {objective['status']}")
    if cycle is None or cycle["state"] not in OPEN_CYCLE_STATES:
        state = cycle["state"] if cycle else "unknown"
        raise KeyResultClosed(pointer, f"the cycle is {state}; check-ins need an active cycle")
