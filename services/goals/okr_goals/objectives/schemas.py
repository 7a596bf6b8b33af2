"""Request and response bodies of the objective routes (and the types the other features share), and
how an objective is shown."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import Response
from pydantic import BaseModel, ConfigDict, Field

from okr_goals.objectives.domain import DEFAULT_COMMITMENT, NEW_STATUSES, Objective
from okr_shared.api_models import MAX_VERSION
from okr_shared.contracts.vocabulary import (
    COMMITMENTS,
    INITIATIVE_STATUSES,
    KEY_RESULT_KINDS,
    LEVELS,
    OBJECTIVE_STATUSES,
    OWNER_TYPES,
    VISIBILITIES,
)

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Weight = Annotated[Number, Field(ge=0, le=1)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Key = Annotated[str, Field(min_length=1, max_length=100)]
Day = Annotated[date, Field(strict=False)]
Level = Literal[LEVELS]
Kind = Literal[KEY_RESULT_KINDS]
OwnerType = Literal[OWNER_TYPES]
Visibility = Literal[VISIBILITIES]
ObjectiveStatus = Literal[OBJECTIVE_STATUSES]
Commitment = Annotated[
    Literal[COMMITMENTS],
    Field(
        description="committed: expected to be met in full (1.0); aspirational: a stretch goal, "
        "about 0.7 counts as success"
    ),
]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Tags = Annotated[list[Annotated[str, Field(min_length=1, max_length=50)]], Field(max_length=20)]
InitiativeStatus = Literal[INITIATIVE_STATUSES]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ChangeIn(_Body):
    """What every change carries: the version it applies to, why, and whether it corrects a closed
    cycle."""

    expected_version: Annotated[int, Field(ge=1, le=MAX_VERSION)]
    reason: Reason | None = None
    correction: bool = False


CHANGE_FIELDS = {"expected_version", "reason", "correction"}


class KeyResultIn(_Body):
    title: Title
    kind: Kind
    weight: Weight = 1.0
    owner_id: Key | None = None
    unit: Annotated[str, Field(max_length=40)] = ""
    start: Number | None = None
    target: Number | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None
    baseline: Number | None = None
    lower: Number | None = None
    upper: Number | None = None


class ParentIn(_Body):
    parent_objective_id: Annotated[str, Field(min_length=1, max_length=100)]
    weight: Weight = 1.0


class ObjectiveIn(_Body):
    title: Title
    description: Annotated[str, Field(max_length=4000)] = ""
    level: Level
    owner_type: OwnerType = "person"
    owner_id: Key
    cycle_id: Key
    tags: Tags = []
    visibility: Visibility = "public"
    status: Literal[NEW_STATUSES] = "active"
    commitment: Commitment = DEFAULT_COMMITMENT
    key_results: Annotated[list[KeyResultIn], Field(max_length=50)] = []
    aligned_to: Annotated[list[ParentIn], Field(max_length=20)] = []


class AddKeyResultIn(KeyResultIn, ChangeIn):
    pass


class ObjectiveRevisionIn(ChangeIn):
    title: Title | None = None
    description: Annotated[str, Field(max_length=4000)] | None = None
    owner_type: OwnerType | None = None
    owner_id: Key | None = None
    tags: Tags | None = None
    visibility: Visibility | None = None
    commitment: Commitment | None = None


class StatusIn(ChangeIn):
    status: ObjectiveStatus


class KeyResultRevisionIn(ChangeIn):
    title: Title | None = None
    owner_id: Key | None = None
    weight: Weight | None = None
    unit: Annotated[str, Field(max_length=40)] | None = None
    start: Number | None = None
    target: Number | None = None
    currency: Annotated[str, Field(min_length=3, max_length=3)] | None = None
    baseline: Number | None = None
    lower: Number | None = None
    upper: Number | None = None


class InitiativeIn(ChangeIn):
    title: Title
    owner_id: Key
    due_on: Day | None = None
    deliverable: Annotated[str, Field(max_length=2000)] = ""
    status: InitiativeStatus = "todo"


class InitiativeRevisionIn(ChangeIn):
    title: Title | None = None
    owner_id: Key | None = None
    due_on: Day | None = None
    deliverable: Annotated[str, Field(max_length=2000)] | None = None
    status: InitiativeStatus | None = None


class KeyResultOut(BaseModel):
    """A key result; which of the optional fields apply depends on `kind`."""

    key_result_id: str
    title: str
    kind: Kind
    owner_id: str | None
    weight: float
    unit: str = ""
    start: float | None = None
    target: float | None = None
    currency: str | None = None
    baseline: float | None = None
    lower: float | None = None
    upper: float | None = None


class InitiativeOut(BaseModel):
    initiative_id: str
    key_result_id: str
    title: str
    owner_id: str
    due_on: str | None = None
    deliverable: str = ""
    status: InitiativeStatus = "todo"


class AlignmentOut(BaseModel):
    parent_objective_id: str
    weight: float


class ProposalOut(BaseModel):
    """A bottom-up alignment waiting for the parent's owner."""

    proposal_id: str
    parent_objective_id: str
    weight: float
    note: str | None = None
    proposed_by: str | None = None


class RolledOverFromOut(BaseModel):
    objective_id: str
    cycle_id: str
    key_results: Annotated[
        dict[str, str], Field(description="Copied key-result id to the original's")
    ] = {}


class RolledOverToOut(BaseModel):
    objective_id: str
    cycle_id: str


class ObjectiveOut(BaseModel):
    objective_id: str
    tenant_id: str
    title: str
    description: str
    level: str
    owner_type: str
    owner_id: str
    org_unit_id: str | None
    cycle_id: str
    tags: list[str]
    visibility: str
    status: str
    commitment: Commitment
    key_results: list[KeyResultOut]
    initiatives: list[InitiativeOut]
    alignments: list[AlignmentOut]
    pending_proposals: list[ProposalOut]
    rolled_over_from: RolledOverFromOut | None
    rolled_over_to: RolledOverToOut | None
    warnings: list[str]
    version: int
    created_on: datetime
    modified_on: datetime


def objective_view(objective: Objective) -> ObjectiveOut:
    return ObjectiveOut(
        objective_id=str(objective.id),
        tenant_id=objective.tenant_id,
        title=objective.title,
        description=objective.description,
        level=objective.level,
        owner_type=objective.owner_type,
        owner_id=objective.owner_id,
        org_unit_id=objective.org_unit_id,
        cycle_id=objective.cycle_id,
        tags=list(objective.tags),
        visibility=objective.visibility,
        status=objective.status,
        commitment=objective.commitment,
        key_results=[kr.as_dict() for kr in objective.key_results],
        initiatives=[i.as_dict() for i in objective.initiatives],
        alignments=[dict(a) for a in objective.alignments],
        pending_proposals=[{"proposal_id": pid, **p} for pid, p in objective.proposals.items()],
        rolled_over_from=objective.rolled_over_from,
        rolled_over_to=objective.rolled_over_to,
        warnings=objective.warnings(),
        version=objective.version,
        created_on=objective.created_on,
        modified_on=objective.modified_on,
    )


def respond(response: Response, objective: Objective) -> ObjectiveOut:
    response.headers["ETag"] = f'"{objective.version}"'
    response.headers["Location"] = f"/v1/objectives/{objective.id}"
    return objective_view(objective)
