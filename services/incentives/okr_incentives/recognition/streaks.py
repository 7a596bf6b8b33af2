"""Streak badges from check-ins: a pure function of what the service learned.

- A person's periods are the weekly periods a key result of theirs was due for (`CheckInDue`
  with cadence `weekly` and the person as owner), one period per distinct `[start, end)`.
- A period is on time when every key result due in it has a check-in recorded (the time the
  platform learned it) within `[start, end)`.
- A streak is a run of on-time periods each starting where the previous one ended; a period due
  but missed, or a gap between periods, ends it. A streak of at least `length` periods earns one
  badge, named after its first `length` periods; a streak overlapping a badge already awarded
  earns nothing more (so redelivery, and a late check-in joining two streaks, award nothing
  twice).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from okr_shared.contracts import vocabulary

(WEEKLY,) = vocabulary.choose(vocabulary.CHECK_IN_CADENCES, "weekly")
DEFAULT_STREAK = 8

Period = tuple[str, str]
"""A period as published: its start and end (ISO 8601)."""


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def periods_of(
    person_id: str, reminders: list[dict[str, Any]], check_ins: dict[str, list[str]]
) -> list[tuple[Period, bool]]:
    """The person's weekly periods in order, each with whether it was on time (`reminders`: the
    `{key_result_id, dues}` documents; `check_ins`: when each key result's check-ins were
    recorded)."""
    due: defaultdict[Period, set[str]] = defaultdict(set)
    for reminder in reminders:
        for d in reminder["dues"]:
            if d["owner_id"] == person_id and d["cadence"] == WEEKLY:
                due[(d["period_start"], d["period_end"])].add(reminder["key_result_id"])

    def met(period: Period, key_result_id: str) -> bool:
        start, end = _at(period[0]), _at(period[1])
        return any(start <= _at(t) < end for t in check_ins.get(key_result_id, []))

    ordered = sorted(due, key=lambda p: _at(p[0]))
    return [(p, all(met(p, kr) for kr in due[p])) for p in ordered]


def streaks(periods: list[tuple[Period, bool]]) -> list[list[Period]]:
    """The runs of contiguous on-time periods."""
    runs: list[list[Period]] = []
    current: list[Period] = []
    for period, on_time in periods:
        contiguous = bool(current) and _at(current[-1][1]) == _at(period[0])
        if on_time and contiguous:
            current.append(period)
            continue
        if current:
            runs.append(current)
        current = [period] if on_time else []
    if current:
        runs.append(current)
    return runs


def _overlaps(run: list[Period], awarded: Period) -> bool:
    return _at(run[0][0]) < _at(awarded[1]) and _at(awarded[0]) < _at(run[-1][1])


def new_badges(
    periods: list[tuple[Period, bool]], length: int, awarded: list[Period]
) -> list[list[Period]]:
    """The streaks earning a badge now: the first `length` periods of each streak of at least
    that many that overlaps no badge already awarded (`awarded`: each badge's span)."""
    return [
        run[:length]
        for run in streaks(periods)
        if len(run) >= length and not any(_overlaps(run, span) for span in awarded)
    ]
