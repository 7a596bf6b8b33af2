"""Request and response bodies of the cycle routes, and how a cycle is shown."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from okr_goals.cycles.domain import CADENCES, STATES, TRANSITION_STATES, Cycle
from okr_goals.objectives.schemas import (
    Day,
    Reason,
    Title,
    _Body,
)


class CycleIn(_Body):
    cycle_id: Annotated[
        str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    ]
    name: Title
    cadence: Literal[CADENCES]
    starts_on: Day
    ends_on: Day


class CycleStateIn(_Body):
    state: Literal[TRANSITION_STATES]
    reason: Reason | None = None


class CycleOut(BaseModel):
    cycle_id: str
    name: str
    cadence: str
    starts_on: date
    ends_on: date
    state: Literal[STATES]
    version: int


class CyclesOut(BaseModel):
    items: list[CycleOut]


def cycle_view(cycle: Cycle) -> CycleOut:
    return CycleOut(
        cycle_id=cycle.cycle_id,
        name=cycle.name,
        cadence=cycle.cadence,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        state=cycle.state,
        version=cycle.version,
    )
