"""Response bodies of the projections HTTP API: read-model documents, their known fields typed;
documents may carry more fields as the platform's events grow."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _ReadModel(BaseModel):
    model_config = ConfigDict(extra="allow")

    tenant_id: str | None = None
    version: int | None = None
    created_at: str | None = None
    created_by: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None


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


class ObjectiveProgressOut(_ReadModel):
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
    key_results: list[KeyResultProgressOut] = []
    alignments: list[AlignmentOut] = []
    pending_proposals: list[dict[str, Any]] = []
    progress: float | None = None
    rollup_progress: float | None = None


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


class OrgUnitOut(_ReadModel):
    org_unit_id: str
    name: str | None = None
    kind: str | None = None
    parent_id: str | None = None
    ancestors: list[str] = []


class PersonOut(_ReadModel):
    person_id: str
    name: str | None = None
    email: str | None = None
    manager_id: str | None = None
    org_unit_id: str | None = None
    locale: str | None = None
    active: bool | None = None
    left_at: str | None = None


class DueItemOut(_ReadModel):
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


class CycleOut(_ReadModel):
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
    weight: float | None = None
    children: list[TreeNodeOut] = []


class CycleTreeOut(BaseModel):
    cycle_id: str
    org_unit_id: str | None
    roots: list[TreeNodeOut]
