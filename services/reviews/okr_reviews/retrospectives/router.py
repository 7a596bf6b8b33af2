"""HTTP routes of retrospectives: writing, revising and reading them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from okr_reviews.retrospectives.commands import (
    RetrospectivesOfCycle,
    ReviseRetrospective,
    WriteRetrospective,
)
from okr_reviews.retrospectives.handlers import RetrospectiveHandlers
from okr_reviews.retrospectives.schemas import (
    RetrospectiveIn,
    RetrospectiveOut,
    RetrospectiveReviseIn,
    RetrospectivesOut,
    retrospective_out,
)
from okr_reviews.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["retrospectives"])
Filter = Annotated[str | None, Query(min_length=1, max_length=100)]
WRITING = {**NOT_KNOWN_YET, **problems(403, 404, 409)}


def retrospective_handlers(request: Request) -> RetrospectiveHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.retrospectives


Retrospectives = Annotated[RetrospectiveHandlers, Depends(retrospective_handlers)]


@router.post("/retrospectives", status_code=201, responses=WRITING)
async def write(
    body: RetrospectiveIn, caller: CurrentCaller, handlers: Retrospectives
) -> RetrospectiveOut:
    """Writes the retrospective of an objective or a team in a cycle in grading or closed;
    writing the same again changes nothing, another content is a conflict (revise it)."""
    command = WriteRetrospective(
        body.cycle_id,
        body.objective_id,
        body.org_unit_id,
        body.content.model_dump(),
        body.sharing,
    )
    return retrospective_out(await call(handlers.write, command, caller))


@router.get("/retrospectives/{retrospective_id}", responses={**NOT_KNOWN_YET, **problems(404)})
async def retrospective(
    retrospective_id: str, caller: CurrentCaller, handlers: Retrospectives
) -> RetrospectiveOut:
    """A retrospective with its earlier revisions, if the caller may read it."""
    return retrospective_out(await call(handlers.retrospective, caller, retrospective_id))


@router.put("/retrospectives/{retrospective_id}", responses=WRITING)
async def revise(
    retrospective_id: str,
    body: RetrospectiveReviseIn,
    caller: CurrentCaller,
    handlers: Retrospectives,
) -> RetrospectiveOut:
    """Revises the retrospective's whole content and sharing (409 when `expected_version` is
    stale); the earlier revision stays in its history."""
    command = ReviseRetrospective(
        retrospective_id, body.content.model_dump(), body.sharing, body.expected_version
    )
    return retrospective_out(await call(handlers.revise, command, caller))


@router.get("/cycles/{cycle_id}/retrospectives", responses={**NOT_KNOWN_YET, **problems(404)})
async def retrospectives_of_cycle(
    cycle_id: str,
    caller: CurrentCaller,
    handlers: Retrospectives,
    objective_id: Filter = None,
    org_unit_id: Filter = None,
) -> RetrospectivesOut:
    """The cycle's retrospectives the caller may read, of one objective or team if asked."""
    query = RetrospectivesOfCycle(cycle_id, objective_id, org_unit_id)
    found = await call(handlers.of_cycle, caller, query)
    return RetrospectivesOut(items=[retrospective_out(v) for v in found])
