"""Response bodies of the cycle read model and the alignment tree."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from okr_projections.api import ReadModel
from okr_projections.reviews.schemas import BandOut


class CycleOut(ReadModel):
    cycle_id: str
    name: str | None = None
    cadence: str | None = None
    starts_on: str | None = None
    ends_on: str | None = None
    state: str | None = None
    transitions: list[dict[str, Any]] = []


class OwnerOut(BaseModel):
    type: str | None
    id: str


class TreeNodeOut(BaseModel):
    objective_id: str
    title: str | None = None
    level: str | None = None
    owner: OwnerOut | None = None
    progress: float | None = None
    rollup_progress: float | None = None
    score: float | None = Field(None, description="The review score (graded objectives only)")
    band: BandOut | None = None
    rollup_score: float | None = None
    weight: float | None = None
    children: list[TreeNodeOut] = []


class CycleTreeOut(BaseModel):
    cycle_id: str
    org_unit_id: str | None
    roots: list[TreeNodeOut]
