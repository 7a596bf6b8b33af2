"""HTTP routes of the recognition read models: a person's recognition and a team's wall."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from okr_projections.api import PAGE, Id, Limit
from okr_projections.documents import public_view
from okr_projections.recognition.queries import RecognitionQueries
from okr_projections.recognition.schemas import PersonRecognitionOut, WallOut
from okr_shared.api_models import problems
from okr_shared.errors import DomainError
from okr_shared.problems import problem_from
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["recognition"])


def recognition_queries(request: Request) -> RecognitionQueries:
    """The recognition queries of the app's container."""
    return request.app.state.container.queries.recognition


RecognitionAsked = Annotated[RecognitionQueries, Depends(recognition_queries)]


async def _answer(asked: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return public_view(await asked)
    except DomainError as exc:
        raise problem_from(exc) from exc


@router.get(
    "/people/{person_id}/recognition",
    response_model=PersonRecognitionOut,
    responses=problems(404),
    **PAGE,
)
async def person_recognition(
    person_id: Id, principal: CurrentPrincipal, recognition: RecognitionAsked
) -> dict[str, Any]:
    """The kudos the person received and gave (only on objectives the caller may read), their
    approved honours and badges, newest first; 404 for a person unknown in the tenant."""
    return await _answer(recognition.person(principal, person_id))


@router.get(
    "/org-units/{org_unit_id}/recognition-wall",
    response_model=WallOut,
    responses=problems(404),
    **PAGE,
)
async def recognition_wall(
    org_unit_id: Id,
    principal: CurrentPrincipal,
    recognition: RecognitionAsked,
    limit: Limit = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    include_sub_units: bool = False,
) -> dict[str, Any]:
    """The team's recognition wall, newest first: kudos on objectives of the unit (the team's and
    its people's; with `include_sub_units`, of the units below too) the caller may read, and the
    approved honours of the unit and its people; 404 for an unknown unit."""
    return await _answer(recognition.wall(principal, org_unit_id, include_sub_units, limit, offset))
