"""Which check-in says where a key result stands: one rule for every service that needs it.

A check-in is a dict with `check_in_id`, `effective_at` (when the value was true),
`recorded_at` (when the platform learned it) and `corrects` (the id of the check-in a
correction replaces, or None). A correction replaces its target. Among the check-ins left,
the latest by effective time stands; on a tie, the one recorded later, then the later in the
key result's log (`sequence`, when known).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

CheckIn = dict[str, Any]
TimeOf = Callable[[Any], datetime]


def _time(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def live(check_ins: list[CheckIn]) -> list[CheckIn]:
    """The check-ins that no correction among them has replaced."""
    replaced = {c["corrects"] for c in check_ins if c.get("corrects")}
    return [c for c in check_ins if c["check_in_id"] not in replaced]


def timeline(check_ins: list[CheckIn], time_of: TimeOf = _time) -> list[CheckIn]:
    """The live check-ins in the order they stand: the last one is the current value.

    `time_of` reads a stored time (a store may keep times at a coarser precision)."""
    return sorted(
        live(check_ins),
        key=lambda c: (
            time_of(c["effective_at"]),
            time_of(c["recorded_at"]),
            c.get("sequence") or 0,
        ),
    )
