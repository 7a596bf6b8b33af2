"""Cycles: the periods objectives belong to, moving from planning to active, grading and closed."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_goals.errors import CycleLocked, Forbidden, InvalidField
from okr_shared.contracts.vocabulary import CYCLE_CADENCES, CYCLE_STATE_OF, CYCLE_STATES
from okr_shared.event_meta import EventMeta

CADENCES = CYCLE_CADENCES
STATES = CYCLE_STATES
TRANSITION_STATES = tuple(CYCLE_STATE_OF.values())
"""The states a cycle can be moved to (every state but planning)."""
_NEXT = {"planning": "active", "active": "grading", "grading": "closed"}


class Cycle(Aggregate):
    """A tenant's period with a state; a closed cycle accepts only admins' reasoned corrections."""

    @event("Planned")
    def __init__(
        self,
        tenant_id: str,
        cycle_id: str,
        name: str,
        cadence: str,
        starts_on: str,
        ends_on: str,
        meta: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id
        self.cycle_id = cycle_id
        self.name = name
        self.cadence = cadence
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.state = "planning"

    @classmethod
    def plan(
        cls,
        *,
        aggregate_id: Any,
        cycle_id: str,
        name: str,
        cadence: str,
        starts_on: date,
        ends_on: date,
        meta: EventMeta,
    ) -> Cycle:
        """Validates and plans a new cycle."""
        if not cycle_id.strip():
            raise InvalidField("#/cycle_id", "must not be blank")
        if not name.strip():
            raise InvalidField("#/name", "must not be blank")
        if cadence not in CADENCES:
            raise InvalidField("#/cadence", f"must be one of {', '.join(CADENCES)}")
        if ends_on <= starts_on:
            raise InvalidField("#/ends_on", "must be after starts_on")
        return cls._create(
            cls.Planned,
            id=aggregate_id,
            tenant_id=meta.tenant_id,
            cycle_id=cycle_id,
            name=name,
            cadence=cadence,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
            meta=meta.as_dict(),
        )

    @property
    def is_locked(self) -> bool:
        return self.state == "closed"

    @property
    def requires_reason(self) -> bool:
        return self.state in ("active", "grading")

    def advance(self, to_state: str, reason: str | None, meta: EventMeta) -> None:
        """Moves to the next state; states are never skipped or reversed."""
        if to_state not in STATES:
            raise InvalidField("#/state", f"must be one of {', '.join(STATES)}")
        if _NEXT.get(self.state) != to_state:
            raise InvalidField("#/state", f"a {self.state} cycle cannot become {to_state}")
        trigger = {
            "active": self._activated,
            "grading": self._grading_started,
            "closed": self._closed,
        }[to_state]
        trigger(previous_state=self.state, reason=reason, meta=meta.as_dict())

    @event("Activated")
    def _activated(self, previous_state: str, reason: str | None, meta: dict[str, Any]) -> None:
        self.state = "active"

    @event("GradingStarted")
    def _grading_started(
        self, previous_state: str, reason: str | None, meta: dict[str, Any]
    ) -> None:
        self.state = "grading"

    @event("Closed")
    def _closed(self, previous_state: str, reason: str | None, meta: dict[str, Any]) -> None:
        self.state = "closed"

    def check_change(self, reason: str | None, correction: bool, is_admin: bool) -> None:
        """Raises unless a change to goals in this cycle may be made as requested.

        Planning: anything goes. Active or grading: a reason is required. Closed: only an
        admin's correction, with a reason.
        """
        if self.is_locked:
            if not correction:
                raise CycleLocked(
                    "#/correction",
                    f"cycle {self.cycle_id} is closed; only an admin's correction "
                    "(correction: true, with a reason) may change it",
                )
            if not is_admin:
                raise Forbidden("#/correction", "only admins may correct a closed cycle")
            if not reason:
                raise InvalidField("#/reason", "a correction needs a reason")
            return
        if correction:
            raise InvalidField(
                "#/correction", f"cycle {self.cycle_id} is not closed; make a normal change"
            )
        if self.requires_reason and not reason:
            raise InvalidField("#/reason", f"required: cycle {self.cycle_id} is {self.state}")
