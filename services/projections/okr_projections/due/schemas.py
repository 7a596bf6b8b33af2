"""Response bodies of the check-ins due read model."""

from __future__ import annotations

from pydantic import BaseModel

from okr_projections.api import ReadModel


class DueItemOut(ReadModel):
    key_result_id: str
    objective_id: str | None = None
    owner_id: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    reminder: str | None = None
    status: str | None = None
    cadence: str | None = None


class CheckInsDueOut(BaseModel):
    person_id: str
    items: list[DueItemOut]
    limit: int
    offset: int
