"""Bitemporal reads over a key result's check-ins: what was true when (effective time), as known when
(recorded time). Check-ins are plain dicts with `check_in_id, effective_at, recorded_at` (ISO 8601
strings with offsets) and `corrects` (the id of the check-in a correction replaces, or None).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

CheckIn = dict[str, Any]


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def known(check_ins: list[CheckIn], known_at: datetime | None = None) -> list[CheckIn]:
    """The check-ins the platform had recorded by `known_at` (all of them when None)."""
    if known_at is None:
        return list(check_ins)
    return [c for c in check_ins if _time(c["recorded_at"]) <= known_at]


def live(check_ins: list[CheckIn], known_at: datetime | None = None) -> list[CheckIn]:
    """The known check-ins that no known correction has replaced."""
    seen = known(check_ins, known_at)
    replaced = {c["corrects"] for c in seen if c.get("corrects")}
    return [c for c in seen if c["check_in_id"] not in replaced]


def value_at(check_ins: list[CheckIn], effective_at: datetime | None = None,
             known_at: datetime | None = None) -> CheckIn | None:
    """The check-in that says what the value was at `effective_at`, as the platform knew at `known_at`.

    Among live check-ins effective at or before `effective_at`, the latest by effective time
    wins; on a tie, the one recorded last.
    """
    candidates = [c for c in live(check_ins, known_at)
                  if effective_at is None or _time(c["effective_at"]) <= effective_at]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (_time(c["effective_at"]), _time(c["recorded_at"])))


def within(check_ins: list[CheckIn], start: datetime, end: datetime) -> bool:
    """Whether a live check-in is effective within [start, end)."""
    return any(start <= _time(c["effective_at"]) < end for c in live(check_ins))
