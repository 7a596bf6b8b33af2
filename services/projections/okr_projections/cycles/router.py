"""HTTP routes of the cycle read model and the alignment tree."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from okr_projections.api import DOCUMENT, PAGE, Id, found
from okr_projections.cycles.schemas import CycleOut, CycleTreeOut
from okr_projections.dependencies import CyclesAsked
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["cycles"])


@router.get("/cycles/{cycle_id}", response_model=CycleOut, **DOCUMENT)
async def cycle(cycle_id: Id, principal: CurrentPrincipal, cycles: CyclesAsked) -> dict[str, Any]:
    """One cycle: dates, cadence, state and its transitions."""
    return found(await cycles.cycle(principal, cycle_id), "cycle", cycle_id)


@router.get("/cycles/{cycle_id}/tree", response_model=CycleTreeOut, **PAGE)
async def cycle_tree(
    cycle_id: Id,
    principal: CurrentPrincipal,
    cycles: CyclesAsked,
    org_unit_id: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """The alignment tree of the cycle's visible objectives (within the unit's subtree when
    given)."""
    roots = await cycles.cycle_tree(principal, cycle_id, org_unit_id)
    return {"cycle_id": cycle_id, "org_unit_id": org_unit_id, "roots": roots}
