"""HTTP routes of the check-ins due read model (listed with the directory)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from okr_projections.api import PAGE, Id, Limit, _page, _queries
from okr_projections.documents import public_view
from okr_projections.due.schemas import CheckInsDueOut
from okr_shared.api_models import Offset, problems
from okr_shared.problems import Problem
from okr_shared.web import CurrentPrincipal

due = APIRouter(prefix="/v1", tags=["directory"])


@due.get(
    "/people/{person_id}/check-ins-due",
    response_model=CheckInsDueOut,
    responses=problems(403),
    **PAGE,
)
async def person_check_ins_due(
    person_id: Id,
    request: Request,
    principal: CurrentPrincipal,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Check-ins still due from the person (`due` or `overdue`), oldest period first; for them, their managers, admins."""
    items = await _queries(request).check_ins_due(principal, person_id, limit, offset)
    if items is None:
        raise Problem(
            403,
            "Forbidden",
            f"Only {person_id}, the people above them and admins see their check-ins due.",
            kind="forbidden",
        )
    return {"person_id": person_id, **_page([public_view(d) for d in items], limit, offset)}
