"""Response bodies of the ambition histories."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AspirationalOut(BaseModel):
    count: int = Field(description="Finalised aspirational objectives")
    perfect: int = Field(description="Of them, scored 1.0")
    perfect_share: float | None = Field(
        description="perfect / count, 6 decimals (a sandbagging signal); None without any"
    )


class CommittedOut(BaseModel):
    count: int = Field(description="Finalised committed objectives")
    missed: int = Field(description="Of them, scored below 1.0")
    missed_share: float | None = Field(description="missed / count, 6 decimals; None without any")


class AmbitionSummaryOut(BaseModel):
    count: int = Field(description="Finalised objectives")
    mean_score: float | None = Field(description="Exact mean of the final scores, 6 decimals")
    aspirational: AspirationalOut
    committed: CommittedOut


class CycleAmbitionOut(AmbitionSummaryOut):
    cycle_id: str
    name: str | None = Field(None, description="None while the cycle is not projected")
    starts_on: str | None = None
    ends_on: str | None = None


class AmbitionHistoryOut(BaseModel):
    """Final review scores per past cycle (oldest first) and over all of them."""

    cycles: list[CycleAmbitionOut]
    overall: AmbitionSummaryOut


class PersonAmbitionOut(AmbitionHistoryOut):
    """The history of the objectives a person owned when their reviews were finalised."""

    person_id: str


class UnitAmbitionOut(AmbitionHistoryOut):
    """The history of the objectives whose org unit at finalisation is the unit or below it."""

    org_unit_id: str
    org_unit_ids: list[str] = Field(description="The unit and the units below it it covers")
