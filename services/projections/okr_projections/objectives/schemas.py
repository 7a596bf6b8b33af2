"""Response bodies of the objective read model."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from okr_projections.api import ReadModel
from okr_projections.reviews.schemas import ReviewOut
from okr_shared.contracts.vocabulary import COMMITMENTS


class KeyResultProgressOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    key_result_id: str
    title: str | None = None
    kind: str | None = None
    weight: float | None = None
    current: bool | float | None = None
    progress: float | None = None
    checked_in: bool | None = None
    confidence: int | None = None
    confidence_band: str | None = None
    initiatives: list[dict[str, Any]] = []


class AlignmentOut(BaseModel):
    parent_objective_id: str
    weight: float


class ObjectiveProgressOut(ReadModel):
    """An objective's read model: key results with their latest check-ins, progress and rollup."""

    objective_id: str
    title: str | None = None
    description: str | None = None
    level: str | None = None
    owner_type: str | None = None
    owner_id: str | None = None
    org_unit_id: str | None = None
    cycle_id: str | None = None
    tags: list[str] = []
    visibility: str | None = None
    status: str | None = None
    commitment: Literal[COMMITMENTS] | None = Field(
        None,
        description="committed (expected at 1.0) or aspirational (a stretch goal); absent from "
        "documents projected before commitments existed until the read model is rebuilt",
    )
    key_results: list[KeyResultProgressOut] = []
    alignments: list[AlignmentOut] = []
    pending_proposals: list[dict[str, Any]] = []
    progress: float | None = None
    rollup_progress: float | None = None
    review: ReviewOut | None = Field(
        None, description="The objective's review in its cycle's grading, once opened"
    )
    rollup_score: float | None = Field(
        None,
        description="The review scores rolled up along alignment links by the rule of "
        "rollup_progress; unscored objectives add nothing (None when nothing below is scored)",
    )


class InvolvedObjectiveOut(ObjectiveProgressOut):
    involvement: list[str]


class ObjectivesPageOut(BaseModel):
    items: list[ObjectiveProgressOut]
    limit: int
    offset: int


class InvolvedObjectivesPageOut(BaseModel):
    items: list[InvolvedObjectiveOut]
    limit: int
    offset: int
