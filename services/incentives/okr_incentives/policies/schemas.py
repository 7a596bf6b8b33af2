"""Request and response bodies of reward policies."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from okr_incentives.schemas import Body

Number = float | int


class BandIn(Body):
    from_: Annotated[Number, Field(alias="from", description="Included")]
    to: Annotated[Number, Field(description="Excluded, except 1.0 in the last band")]
    points: int
    multiplier: Number


class EligibilityIn(Body):
    min_days_in_cycle: int = 0
    levels: list[str] | None = None


class CapsIn(Body):
    per_person: int | None = None
    per_cycle: int | None = None


class PolicyIn(Body):
    """A new version of a reward policy: bands must cover 0.0-1.0 without overlap or gap;
    factors, caps and budgets are not negative (a factor not given is 1.0)."""

    bands: Annotated[list[BandIn], Field(max_length=20)]
    level_factors: dict[str, Number] = {}
    commitment_factors: dict[str, Number] = {}
    eligibility: EligibilityIn = EligibilityIn()
    caps: CapsIn = CapsIn()
    budgets: Annotated[dict[str, int], Field(max_length=1000)] = {}
    reason: Annotated[str | None, Field(max_length=2000)] = None

    def policy(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude={"reason"}, exclude_none=False) | {
            "eligibility": self.eligibility.model_dump(exclude_none=True)
        }


class BandOut(BaseModel):
    from_: Annotated[float, Field(alias="from", serialization_alias="from")]
    to: float
    points: int
    multiplier: float


class EligibilityOut(BaseModel):
    min_days_in_cycle: int
    levels: list[str]


class CapsOut(BaseModel):
    per_person: int | None
    per_cycle: int | None


class PolicyOut(BaseModel):
    """A version of a reward policy."""

    policy_id: str
    version: int
    bands: list[BandOut]
    level_factors: dict[str, float]
    commitment_factors: dict[str, float]
    eligibility: EligibilityOut
    caps: CapsOut
    budgets: dict[str, int]
