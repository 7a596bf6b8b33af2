"""Where a key result stands from its check-ins: pure bitemporal reads over the stored check-ins.

A check-in is a dict with `check_in_id, value, confidence, effective_at` (when the value was
true), `recorded_at` (when the platform learned it), `sequence` (its place in the key result's
log) and `corrects` (the check-in a correction replaces, or None). Times are UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from okr_shared.check_ins import CheckIn
from okr_shared.check_ins import timeline as shared_timeline
from okr_shared.confidence import band, trend

STATE_FIELDS = (
    "checked_in",
    "current",
    "confidence",
    "confidence_band",
    "confidence_trend",
    "last_check_in_at",
)
NOT_CHECKED_IN: dict[str, Any] = dict.fromkeys(STATE_FIELDS) | {"checked_in": False}


def as_time(value: datetime | str) -> datetime:
    """An ISO 8601 string or datetime as a UTC datetime at the store's millisecond precision."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def timeline(check_ins: list[CheckIn]) -> list[CheckIn]:
    """The live check-ins in the order they stand (the platform-wide rule, at the store's
    precision)."""
    return shared_timeline(check_ins, as_time)


def check_in_state(check_ins: list[CheckIn]) -> dict[str, Any]:
    """The current (latest effective) live check-in and the trend into it; `last_check_in_at` is
    its effective time."""
    ordered = timeline(check_ins)
    if not ordered:
        return dict(NOT_CHECKED_IN)
    current = ordered[-1]
    previous = ordered[-2]["confidence"] if len(ordered) > 1 else None
    return {
        "checked_in": True,
        "current": current["value"],
        "confidence": current["confidence"],
        "confidence_band": band(current["confidence"]),
        "confidence_trend": trend(previous, current["confidence"]),
        "last_check_in_at": as_time(current["effective_at"]),
    }


def state_of(key_result: dict[str, Any]) -> dict[str, Any]:
    """The check-in fields a key result of an objective document carries (not checked in when
    absent)."""
    if not key_result.get("checked_in"):
        return dict(NOT_CHECKED_IN)
    return {**NOT_CHECKED_IN, **{k: key_result.get(k) for k in STATE_FIELDS}}


def effective_within(
    check_ins: list[CheckIn], start: datetime | str, end: datetime | str
) -> str | None:
    """The id of the earliest live check-in effective within [start, end), or None."""
    lower, upper = as_time(start), as_time(end)
    found = [c for c in timeline(check_ins) if lower <= as_time(c["effective_at"]) < upper]
    return found[0]["check_in_id"] if found else None
