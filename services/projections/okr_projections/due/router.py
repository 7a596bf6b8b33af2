"""HTTP routes of the check-ins due read model (listed with the directory)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from okr_projections.api import PAGE, Id, Limit, page
from okr_projections.dependencies import DueAsked
from okr_projections.documents import public_view
from okr_projections.due.schemas import CheckInsDueOut
from okr_shared.api_models import Offset, problems
from okr_shared.problems import Problem
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["directory"])


@router.get(
    "/people/{person_id}/check-ins-due",
    response_model=CheckInsDueOut,
    responses=problems(403),
    **PAGE,
)
async def person_check_ins_due(
    person_id: Id,
    principal: CurrentPrincipal,
    due: DueAsked,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Check-ins still due from the person (`due` or `overdue`), oldest period first; for them,
    their managers, admins."""
    items = await due.check_ins_due(principal, person_id, limit, offset)
    if items is None:
        raise Problem(
            403,
            "Forbidden",
            f"Only {person_id}, the people above them and admins see their check-ins due.",
            kind="forbidden",
        )
    return {"person_id": person_id, **page([public_view(d) for d in items], limit, offset)}
