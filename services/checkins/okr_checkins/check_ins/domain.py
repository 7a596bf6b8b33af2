"""Check-ins of a key result: the log that keeps every check-in and correction, what a check-in
must look like for its key result and cycle, and the bitemporal reads over the log.

Bitemporal reads: what was true when (effective time), as known when (recorded time). Check-ins
are plain dicts with `check_in_id, effective_at, recorded_at` (ISO 8601 strings with offsets) and
`corrects` (the id of the check-in a correction replaces, or None); which one stands is decided
by `okr_shared.check_ins`, as in every service.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.check_ins import CheckIn, timeline
from okr_shared.contracts.vocabulary import CYCLE_STATES, choose, properties_of
from okr_shared.errors import Conflict, InvalidField, NotFound


class KeyResultClosed(Conflict):
    """The key result's objective or cycle no longer takes check-ins."""

    title = "Key result closed"
    kind = "key-result-closed"


class CheckInNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("check-in", key)


class KeyResultLog(Aggregate):
    """Check-ins of a key result in the order the platform learned them."""

    @event("Opened")
    def __init__(self, tenant_id: str, key_result_id: str, objective_id: str) -> None:
        self.tenant_id = tenant_id
        self.key_result_id = key_result_id
        self.objective_id = objective_id
        self.check_ins: list[CheckIn] = []
        self.source_keys: dict[str, str] = {}

    @classmethod
    def open(
        cls, aggregate_id: Any, tenant_id: str, key_result_id: str, objective_id: str
    ) -> KeyResultLog:
        return cls._create(
            cls.Opened,
            id=aggregate_id,
            tenant_id=tenant_id,
            key_result_id=key_result_id,
            objective_id=objective_id,
        )

    def check_in(self, check_in_id: str) -> CheckIn:
        found = self.holds(check_in_id)
        if found is None:
            raise CheckInNotFound(check_in_id)
        return found

    def holds(self, check_in_id: str) -> CheckIn | None:
        """The check-in (or correction) with this id, if the log has it."""
        return next((c for c in self.check_ins if c["check_in_id"] == check_in_id), None)

    def by_source_key(self, source_key: str) -> CheckIn | None:
        check_in_id = self.source_keys.get(source_key)
        return self.check_in(check_in_id) if check_in_id else None

    def record(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        """Adds a check-in; its id must be new."""
        if any(c["check_in_id"] == check_in["check_in_id"] for c in self.check_ins):
            raise InvalidField("#/check_in_id", "a check-in with this id exists")
        self._recorded(check_in=check_in, meta=meta)

    @event("Recorded")
    def _recorded(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        self.check_ins = [*self.check_ins, check_in]
        if check_in.get("source_key"):
            self.source_keys = {**self.source_keys, check_in["source_key"]: check_in["check_in_id"]}

    def correct(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        """Adds a correction; the check-in it corrects must exist and stays in the history."""
        try:
            self.check_in(check_in["corrects"])
        except CheckInNotFound as exc:
            raise InvalidField(
                "#/corrects", f"no check-in {check_in['corrects']} on this key result"
            ) from exc
        if not check_in.get("reason"):
            raise InvalidField("#/reason", "a correction needs a reason")
        self._corrected(check_in=check_in, meta=meta)

    @event("Corrected")
    def _corrected(self, check_in: CheckIn, meta: dict[str, Any]) -> None:
        self.check_ins = [*self.check_ins, check_in]


# ---- what a check-in must look like for its key result and cycle

CLOCK_SKEW = timedelta(minutes=5)
NOTE_PARTS = properties_of("checkins", "CheckInRecorded", "note")
OPEN_CYCLE_STATES = choose(CYCLE_STATES, "active", "grading")


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


REPORTED = ("value", "confidence", "note", "blockers")


def repeats(stored: CheckIn, wanted: CheckIn, effective_given: bool) -> bool:
    """Whether a retried request (`wanted`, opened) asks for what the `stored` check-in (opened)
    says: same value (and type: done is not 1), confidence, note and blockers, and the same
    effective time when the request gives one; a request without one matches only a check-in that
    was effective when recorded (its effective time defaulted then too)."""
    if any(type(stored[k]) is not type(wanted[k]) or stored[k] != wanted[k] for k in REPORTED):
        return False
    effective = _time(stored["effective_at"])
    if effective_given:
        return effective == _time(wanted["effective_at"])
    return effective == _time(stored["recorded_at"])


# ---- bitemporal reads


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
    """The check-in that says what the value was at `effective_at`, as the platform knew at
    `known_at`:
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
