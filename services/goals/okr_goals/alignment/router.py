"""Alignment routes: support a parent (top-down at once, bottom-up by proposal), remove links,
decide proposals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from okr_goals.alignment.commands import Align, DecideProposal, RemoveAlignment
from okr_goals.alignment.schemas import AlignIn, DecisionIn
from okr_goals.deps import Alignment
from okr_goals.objectives.commands import Change
from okr_goals.objectives.router import CHANGE_PROBLEMS, change_of
from okr_goals.objectives.schemas import ObjectiveOut, Reason, respond
from okr_shared.api_models import MAX_VERSION, problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1/objectives", tags=["alignment"])


@router.post(
    "/{objective_id}/alignments",
    status_code=201,
    response_model=ObjectiveOut,
    responses={
        201: {"description": "Linked: the caller decides for the parent"},
        202: {"model": ObjectiveOut, "description": "Proposed to the parent's owner"},
        **problems(403, 404, 409),
    },
)
async def align(
    objective_id: str,
    body: AlignIn,
    response: Response,
    caller: CurrentCaller,
    alignment: Alignment,
) -> ObjectiveOut:
    """Links the objective to a parent (201) if the caller decides for the parent, else proposes it
    (202)."""
    command = Align(change_of(objective_id, body), body.parent_objective_id, body.weight, body.note)
    outcome = await call(alignment.align, command, caller)
    response.status_code = 201 if outcome.linked else 202
    return respond(response, outcome.objective)


@router.delete(
    "/{objective_id}/alignments/{parent_objective_id}",
    response_model=ObjectiveOut,
    responses=CHANGE_PROBLEMS,
)
async def remove_alignment(
    objective_id: str,
    parent_objective_id: str,
    response: Response,
    caller: CurrentCaller,
    alignment: Alignment,
    expected_version: Annotated[int, Query(ge=1, le=MAX_VERSION)],
    reason: Annotated[Reason | None, Query()] = None,
    correction: bool = False,
) -> ObjectiveOut:
    """Stops supporting a parent."""
    command = RemoveAlignment(
        Change(objective_id, expected_version, reason, correction), parent_objective_id
    )
    return respond(response, await call(alignment.remove_alignment, command, caller))


@router.post(
    "/{objective_id}/proposals/{proposal_id}/decision",
    response_model=ObjectiveOut,
    responses=CHANGE_PROBLEMS,
)
async def decide(
    objective_id: str,
    proposal_id: str,
    body: DecisionIn,
    response: Response,
    caller: CurrentCaller,
    alignment: Alignment,
) -> ObjectiveOut:
    """The parent's owner accepts or declines a bottom-up alignment proposal."""
    command = DecideProposal(change_of(objective_id, body), proposal_id, body.decision == "accept")
    return respond(response, await call(alignment.decide_proposal, command, caller))
