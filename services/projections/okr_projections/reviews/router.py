"""HTTP routes of the reviews: the grading status of a cycle and the distribution of its scores."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from okr_projections.api import PAGE, Id
from okr_projections.dependencies import GradingAsked
from okr_projections.documents import public_view
from okr_projections.reviews.schemas import CycleGradingOut, ScoreDistributionOut
from okr_shared.api_models import problems
from okr_shared.errors import DomainError
from okr_shared.problems import problem_from
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["reviews"])

UnitFilter = Annotated[
    str | None,
    Query(min_length=1, max_length=200, description="Only objectives of this unit and below it"),
]


async def _answer(asked: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return public_view(await asked)
    except DomainError as exc:
        raise problem_from(exc) from exc


@router.get(
    "/cycles/{cycle_id}/grading",
    response_model=CycleGradingOut,
    responses=problems(404),
    **PAGE,
)
async def cycle_grading(
    cycle_id: Id,
    principal: CurrentPrincipal,
    grading: GradingAsked,
    org_unit_id: UnitFilter = None,
) -> dict[str, Any]:
    """Per objective of the cycle the caller may see (admins: all), within the unit's subtree
    when `org_unit_id` is given (404 if unknown): its review's status, which key results are
    scored by self and manager, which still lack a self-score; and the counts."""
    return await _answer(grading.cycle_grading(principal, cycle_id, org_unit_id))


@router.get(
    "/cycles/{cycle_id}/score-distribution",
    response_model=ScoreDistributionOut,
    responses=problems(404),
)
async def score_distribution(
    cycle_id: Id,
    principal: CurrentPrincipal,
    grading: GradingAsked,
    org_unit_id: UnitFilter = None,
) -> dict[str, Any]:
    """The distribution of the current review scores of the cycle's objectives the caller may
    see (within the unit's subtree when `org_unit_id` is given, 404 if unknown): count, mean,
    spread and share per band colour, overall and by org unit, manager and commitment."""
    return await _answer(grading.score_distribution(principal, cycle_id, org_unit_id))
