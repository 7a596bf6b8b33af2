"""HTTP routes of the open grading read model (listed with the directory)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from okr_projections.api import PAGE, Id, Limit, page
from okr_projections.dependencies import GradingDueAsked
from okr_projections.documents import public_view
from okr_projections.grading_due.schemas import GradingDueOut
from okr_shared.api_models import Offset, problems
from okr_shared.problems import Problem
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["directory"])


@router.get(
    "/people/{person_id}/grading-due",
    response_model=GradingDueOut,
    responses=problems(403),
    **PAGE,
)
async def person_grading_due(
    person_id: Id,
    principal: CurrentPrincipal,
    grading: GradingDueAsked,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Grading the person still owes (`due` or `overdue`): per review and role (`owner`: their
    self-scores, `manager`: their look at their reports' key results), the key results still
    open, the earliest due first; for them, their managers, admins."""
    items = await grading.grading_due(principal, person_id, limit, offset)
    if items is None:
        raise Problem(
            403,
            "Forbidden",
            f"Only {person_id}, the people above them and admins see their grading due.",
            kind="forbidden",
        )
    return {"person_id": person_id, **page([public_view(d) for d in items], limit, offset)}
