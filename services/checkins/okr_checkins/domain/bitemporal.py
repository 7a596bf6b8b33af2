"""Bitemporal reads over a key result's check-ins: what was true when (effective time), as known when
(recorded time). Check-ins are plain dicts with `check_in_id, effective_at, recorded_at` (ISO 8601
strings with offsets) and `corrects` (the id of the check-in a correction replaces, or None); which
one stands is decided by `okr_shared.check_ins`, as in every service.
"""

from __future__ import annotations

from datetime import datetime

from okr_shared.check_ins import CheckIn, timeline


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def known(check_ins: list[CheckIn], known_at: datetime | None = None) -> list[CheckIn]:
    """The check-ins the platform had recorded by `known_at` (all of them when None)."""
    if known_at is None:
        return list(check_ins)
    return [c for c in check_ins if _time(c["recorded_at"]) <= known_at]


def value_at(
    check_ins: list[CheckIn], effective_at: datetime | None = None, known_at: datetime | None = None
) -> CheckIn | None:
    """The check-in that says what the value was at `effective_at`, as the platform knew at `known_at`:
    the platform-wide rule applied to what was known by then and effective by then."""
    standing = [
        c
        for c in timeline(known(check_ins, known_at))
        if effective_at is None or _time(c["effective_at"]) <= effective_at
    ]
    return standing[-1] if standing else None


def within(check_ins: list[CheckIn], start: datetime, end: datetime) -> bool:
    """Whether a live check-in is effective within [start, end)."""
    return any(start <= _time(c["effective_at"]) < end for c in timeline(check_ins))
