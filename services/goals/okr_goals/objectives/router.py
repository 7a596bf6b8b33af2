"""Objective routes: set, read (now, at a version or as of a time), revise, key results and
initiatives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response

from okr_goals.deps import Objectives, reject_nulls
from okr_goals.objectives.commands import (
    AddInitiative,
    AddKeyResult,
    Change,
    ChangeObjectiveStatus,
    CreateObjective,
    NewKeyResult,
    ReviseInitiative,
    ReviseKeyResult,
    ReviseObjective,
)
from okr_goals.objectives.schemas import (
    CHANGE_FIELDS,
    AddKeyResultIn,
    ChangeIn,
    InitiativeIn,
    InitiativeRevisionIn,
    KeyResultRevisionIn,
    ObjectiveIn,
    ObjectiveOut,
    ObjectiveRevisionIn,
    StatusIn,
    respond,
)
from okr_shared.api_models import MAX_VERSION, problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, require_offset

router = APIRouter(prefix="/v1/objectives", tags=["objectives"])
CHANGE_PROBLEMS = problems(403, 404, 409)
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


def change_of(objective_id: str, body: ChangeIn) -> Change:
    return Change(objective_id, body.expected_version, body.reason, body.correction)


def changes_of(body: ChangeIn, nullable: tuple[str, ...] = ()) -> dict[str, Any]:
    changes = body.model_dump(exclude=CHANGE_FIELDS, exclude_unset=True)
    reject_nulls(changes, nullable)
    return changes


@router.post(
    "",
    status_code=201,
    response_model=ObjectiveOut,
    responses={
        200: {"model": ObjectiveOut, "description": "A retry with the same Idempotency-Key"},
        **problems(403, 409),
    },
)
async def create_objective(
    body: ObjectiveIn,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
    idempotency_key: IdempotencyKey = None,
) -> ObjectiveOut:
    """Sets an objective; parents the caller decides for are linked, the others proposed to their
    owners."""
    command = CreateObjective(
        title=body.title,
        description=body.description,
        level=body.level,
        owner_type=body.owner_type,
        owner_id=body.owner_id,
        cycle_id=body.cycle_id,
        tags=tuple(body.tags),
        visibility=body.visibility,
        status=body.status,
        commitment=body.commitment,
        key_results=tuple(NewKeyResult(**kr.model_dump()) for kr in body.key_results),
        aligned_to=tuple((p.parent_objective_id, p.weight) for p in body.aligned_to),
        idempotency_key=idempotency_key,
    )
    result = await call(objectives.create_objective, command, caller)
    if result.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return respond(response, result.objective)


@router.get("/{objective_id}", response_model=ObjectiveOut, responses=problems(404))
async def get_objective(
    objective_id: str,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
    as_of: Annotated[datetime | None, Query(description="An ISO 8601 time with offset")] = None,
) -> ObjectiveOut:
    """The objective now, at an earlier version, or as it stood at a time (`as_of`)."""
    objective = await call(
        objectives.get_objective, caller, objective_id, version, require_offset(as_of, "as_of")
    )
    return respond(response, objective)


@router.patch("/{objective_id}", response_model=ObjectiveOut, responses=CHANGE_PROBLEMS)
async def revise_objective(
    objective_id: str,
    body: ObjectiveRevisionIn,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
) -> ObjectiveOut:
    """Revises title, description, owner, tags, visibility or commitment; a reason is required once
    the cycle is active."""
    command = ReviseObjective(change_of(objective_id, body), changes_of(body))
    return respond(response, await call(objectives.revise_objective, command, caller))


@router.post("/{objective_id}/status", response_model=ObjectiveOut, responses=CHANGE_PROBLEMS)
async def change_status(
    objective_id: str,
    body: StatusIn,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
) -> ObjectiveOut:
    """Moves the objective between draft, active, closed and archived."""
    command = ChangeObjectiveStatus(change_of(objective_id, body), body.status)
    return respond(response, await call(objectives.change_status, command, caller))


@router.post(
    "/{objective_id}/key-results",
    status_code=201,
    response_model=ObjectiveOut,
    responses=CHANGE_PROBLEMS,
)
async def add_key_result(
    objective_id: str,
    body: AddKeyResultIn,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
) -> ObjectiveOut:
    """Adds a key result of any kind."""
    kr = NewKeyResult(**body.model_dump(exclude=CHANGE_FIELDS))
    command = AddKeyResult(change_of(objective_id, body), kr)
    return respond(response, await call(objectives.add_key_result, command, caller))


@router.patch(
    "/{objective_id}/key-results/{key_result_id}",
    response_model=ObjectiveOut,
    responses=CHANGE_PROBLEMS,
)
async def revise_key_result(
    objective_id: str,
    key_result_id: str,
    body: KeyResultRevisionIn,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
) -> ObjectiveOut:
    """Revises a key result; an old target stays in the history."""
    command = ReviseKeyResult(
        change_of(objective_id, body), key_result_id, changes_of(body, ("owner_id",))
    )
    return respond(response, await call(objectives.revise_key_result, command, caller))


@router.post(
    "/{objective_id}/key-results/{key_result_id}/initiatives",
    status_code=201,
    response_model=ObjectiveOut,
    responses=CHANGE_PROBLEMS,
)
async def add_initiative(
    objective_id: str,
    key_result_id: str,
    body: InitiativeIn,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
) -> ObjectiveOut:
    """Plans an initiative under a key result."""
    command = AddInitiative(
        change_of(objective_id, body),
        key_result_id,
        body.title,
        body.owner_id,
        body.due_on,
        body.deliverable,
        body.status,
    )
    objective, _ = await call(objectives.add_initiative, command, caller)
    return respond(response, objective)


@router.patch(
    "/{objective_id}/initiatives/{initiative_id}",
    response_model=ObjectiveOut,
    responses=CHANGE_PROBLEMS,
)
async def revise_initiative(
    objective_id: str,
    initiative_id: str,
    body: InitiativeRevisionIn,
    response: Response,
    caller: CurrentCaller,
    objectives: Objectives,
) -> ObjectiveOut:
    """Revises an initiative (its owner may move its status)."""
    command = ReviseInitiative(
        change_of(objective_id, body), initiative_id, changes_of(body, ("due_on",))
    )
    return respond(response, await call(objectives.revise_initiative, command, caller))
