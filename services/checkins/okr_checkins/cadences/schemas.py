"""Request and response bodies of cadences."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from okr_checkins.cadences.domain import CADENCES
from okr_checkins.schemas import Body

Cadence = Literal[CADENCES]


class CadenceIn(Body):
    cadence: Cadence
    reason: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class CadenceOut(BaseModel):
    scope: str
    org_unit_id: str | None = None
    cadence: Cadence
