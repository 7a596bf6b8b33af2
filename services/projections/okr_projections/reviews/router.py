"""HTTP routes of the reviews: the grading status of a cycle."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from okr_projections.api import PAGE, Id
from okr_projections.dependencies import GradingAsked
from okr_projections.documents import public_view
from okr_projections.reviews.schemas import CycleGradingOut
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["reviews"])


@router.get("/cycles/{cycle_id}/grading", response_model=CycleGradingOut, **PAGE)
async def cycle_grading(
    cycle_id: Id, principal: CurrentPrincipal, grading: GradingAsked
) -> dict[str, Any]:
    """Per objective of the cycle the caller may see (admins: all): its review's status, which
    key results are scored by self and manager, which still lack a self-score; and the counts."""
    return public_view(await grading.cycle_grading(principal, cycle_id))
