"""HTTP routes of the ambition histories of people and org units."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter

from okr_projections.ambition.schemas import PersonAmbitionOut, UnitAmbitionOut
from okr_projections.api import Id
from okr_projections.dependencies import AmbitionAsked
from okr_shared.api_models import problems
from okr_shared.errors import DomainError
from okr_shared.problems import problem_from
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["ambition"])


async def _answer(asked: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return await asked
    except DomainError as exc:
        raise problem_from(exc) from exc


@router.get(
    "/people/{person_id}/ambition",
    response_model=PersonAmbitionOut,
    responses=problems(403, 404),
)
async def person_ambition(
    person_id: Id, principal: CurrentPrincipal, ambition: AmbitionAsked
) -> dict[str, Any]:
    """Per past cycle and overall, the final scores of the objectives the person owned: count,
    mean, share of 1.0s among aspirational objectives, share of misses among committed ones. For
    them, the people above them, leaders of their unit or above, admins and auditors."""
    return await _answer(ambition.person_history(principal, person_id))


@router.get(
    "/org-units/{org_unit_id}/ambition",
    response_model=UnitAmbitionOut,
    responses=problems(403, 404),
)
async def org_unit_ambition(
    org_unit_id: Id, principal: CurrentPrincipal, ambition: AmbitionAsked
) -> dict[str, Any]:
    """The same over the objectives of the unit and every unit below it (including those of the
    people in them). For leaders of the unit or above, admins and auditors."""
    return await _answer(ambition.unit_history(principal, org_unit_id))
