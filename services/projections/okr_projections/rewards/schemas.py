"""Response bodies of rewards, budgets and the fairness report."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RewardEntryOut(BaseModel):
    """A ledger entry: the grant of an award, or a compensating adjustment (a difference)."""

    entry_id: str
    kind: str = Field(description="granted or adjusted")
    award_id: str
    points: int
    multiplier: float
    score: float | None
    badges: list[str]
    policy_id: str
    policy_version: int
    org_unit_id: str | None
    source_event_id: str | None = Field(description="The review event an adjustment follows")
    reason: str | None
    at: str


class CycleRewardsOut(BaseModel):
    cycle_id: str
    award_id: str
    policy_id: str
    policy_version: int
    points: int = Field(description="The sum of the person's entries in the cycle")
    multiplier: float
    entries: list[RewardEntryOut]


class BalanceOut(BaseModel):
    points: int = Field(description="The sum of every entry of every cycle")


class PersonRewardsOut(BaseModel):
    """A person's awards per cycle (by cycle id) and their balance."""

    person_id: str
    cycles: list[CycleRewardsOut]
    balance: BalanceOut


class CycleRewardsHeader(BaseModel):
    cycle_id: str
    policy_id: str = Field(description="The policy bound, or the one the awards name")
    policy_version: int
    bound: bool = Field(description="Whether PolicyBoundToCycle has been projected")
    policy_known: bool = Field(description="Whether the policy version has been projected")


class UnitBudgetOut(BaseModel):
    org_unit_id: str | None = Field(description="None: entries of people without a unit")
    budget: int | None = Field(description="The bound policy's budget; None without one")
    people: int
    granted: int = Field(description="Points of the unit's grants")
    adjusted: int = Field(description="Points of its compensating entries (may be negative)")
    used: int
    remaining: int | None = Field(description="budget - used (negative above budget)")


class BudgetsOut(CycleRewardsHeader):
    """Budgets used per org unit of the reader's scope."""

    units: list[UnitBudgetOut]


class StatsOut(BaseModel):
    count: int
    mean: float | None
    spread: float | None = Field(description="Population standard deviation, 6 decimals")
    min: float | None
    max: float | None


class DistributionOut(BaseModel):
    points: StatsOut
    multiplier: StatsOut


class GroupOut(DistributionOut):
    key: str | None = Field(description="The org unit, level, commitment or manager id")


class UnitComparisonOut(BaseModel):
    """A unit's points against the points the policy's bands predict from its scores, compared
    with the rest of the units."""

    org_unit_id: str | None
    people: int
    points: int
    predicted_points: int = Field(description="Band points of each score, cut to the cap")
    ratio: float | None = Field(description="points / predicted_points")
    rest_ratio: float | None = Field(description="The same over every other unit")
    deviation: float | None = Field(description="ratio / rest_ratio - 1")
    flag: str | None = Field(description="above or below beyond the threshold, else None")


class FairnessOut(CycleRewardsHeader):
    """The distribution of a cycle's awards and the units far from what their scores predict."""

    people: int
    threshold: float = Field(description="The relative deviation beyond which a unit is flagged")
    overall: DistributionOut
    by_org_unit: list[GroupOut]
    by_level: list[GroupOut]
    by_commitment: list[GroupOut]
    by_manager: list[GroupOut]
    units: list[UnitComparisonOut]
    outliers: list[UnitComparisonOut]
