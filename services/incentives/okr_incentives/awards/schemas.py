"""Request and response bodies of awards."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from okr_incentives.awards.domain import CycleAwards
from okr_incentives.schemas import Body

Key = Annotated[str, Field(min_length=1, max_length=100)]


class BindIn(Body):
    """The policy version to bind to the cycle, and why."""

    policy_id: Key
    policy_version: Annotated[int, Field(ge=1)]
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class BindingOut(BaseModel):
    """The policy version bound to a cycle and the awards granted under it."""

    cycle_id: str
    policy_id: str
    policy_version: int
    reason: str
    by: str
    at: datetime
    awards: int = Field(description="People awarded")
    points: int = Field(description="The points of every entry of the cycle")


class ObjectiveIn(BaseModel):
    objective_id: str
    review_id: str
    level: str
    commitment: str
    score: float


class InputsOut(BaseModel):
    """What an award is computed from."""

    person_id: str
    cycle_id: str
    org_unit_id: str | None
    active_at_finalisation: bool
    finalised_at: datetime
    days_in_cycle: int
    cycle_days: int
    objectives: list[ObjectiveIn]
    unit_requested: int
    cycle_requested: int


class EvidenceOut(BaseModel):
    """A review event an award stands on."""

    event_id: str
    type: str
    sequence: int
    review_id: str


class SimulatedOut(BaseModel):
    """What one person would get."""

    person_id: str
    org_unit_id: str | None
    eligible: bool
    reasons: list[str] = Field(description="Why not eligible")
    score: float | None
    band: int | None = Field(description="The index of the policy's band")
    requested_points: int | None = None
    points: int
    multiplier: float
    days_in_cycle: int
    objectives: list[ObjectiveIn]


class UnitOut(BaseModel):
    org_unit_id: str | None
    budget: int | None
    people: int
    eligible: int
    requested_points: int = Field(description="Before the unit's budget")
    points: int = Field(description="After the budget and the cycle's cap")


class SimulationOut(BaseModel):
    """A dry run: nothing is stored."""

    policy_id: str
    policy_version: int
    cycle_id: str
    finalised: bool = Field(description="Whether every graded objective has a finalised review")
    people: list[SimulatedOut]
    units: list[UnitOut]
    points: int


class EntryOut(BaseModel):
    """A ledger entry: the grant of an award, or a compensating adjustment (a difference)."""

    kind: str = Field(description="granted or adjusted")
    entry_id: str
    award_id: str
    cycle_id: str
    policy_id: str
    policy_version: int
    points: int
    multiplier: float
    score: float | None
    badges: list[str]
    previous: dict[str, float] | None
    source_event_id: str | None = Field(description="The review event an adjustment follows")
    reason: str | None
    at: datetime


class CycleTotalOut(BaseModel):
    cycle_id: str
    award_id: str
    points: int
    multiplier: float


class BalanceOut(BaseModel):
    points: int = Field(description="The sum of the person's entries")


class LedgerOut(BaseModel):
    """A person's awards over every cycle; the balance is the sum of the entries."""

    person_id: str
    balance: BalanceOut
    cycles: list[CycleTotalOut]
    entries: list[EntryOut]


class RecomputedOut(BaseModel):
    points: int
    multiplier: float


class ChainEntryOut(EntryOut):
    inputs: InputsOut
    evidence: list[EvidenceOut]
    recomputed: RecomputedOut = Field(description="compute_award(policy, inputs), as a difference")
    matches: bool


class ChainOut(BaseModel):
    """An award's evidence: each entry with its inputs, the review events it stands on, and what
    recomputing it from them gives."""

    award_id: str
    person_id: str
    cycle_id: str
    policy_id: str
    policy_version: int
    points: int
    multiplier: float
    entries: list[ChainEntryOut]


def binding_out(awards: CycleAwards) -> BindingOut:
    entries = [e for found in awards.awards.values() for e in found["entries"]]
    return BindingOut.model_validate(
        {
            **(awards.binding or {}),
            "cycle_id": awards.cycle_id,
            "awards": len(awards.awards),
            "points": sum(e["points"] for e in entries),
        }
    )
