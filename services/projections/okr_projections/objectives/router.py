"""HTTP routes of the objective read model."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from okr_projections.api import DOCUMENT, PAGE, CycleFilter, Id, Limit, found, page
from okr_projections.dependencies import ObjectivesAsked
from okr_projections.documents import public_view
from okr_projections.objectives.schemas import ObjectiveProgressOut, ObjectivesPageOut
from okr_shared.api_models import Offset
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["objectives"])


@router.get("/objectives/{objective_id}/progress", response_model=ObjectiveProgressOut, **DOCUMENT)
async def objective_progress(
    objective_id: Id, principal: CurrentPrincipal, objectives: ObjectivesAsked
) -> dict[str, Any]:
    """The read model of one objective: key results, progress, rollup, alignments."""
    return found(await objectives.objective(principal, objective_id), "objective", objective_id)


@router.get("/objectives", response_model=ObjectivesPageOut, **PAGE)
async def list_objectives(
    principal: CurrentPrincipal,
    objectives: ObjectivesAsked,
    cycle_id: CycleFilter = None,
    owner_id: Annotated[str | None, Query(max_length=200)] = None,
    level: Annotated[str | None, Query(pattern="^(company|department|team|individual)$")] = None,
    status: Annotated[str | None, Query(pattern="^(draft|active|closed|archived)$")] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    org_unit_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Visible objectives of the tenant, filtered by cycle, owner, level, status, tag or org
    unit."""
    filters = {
        "cycle_id": cycle_id,
        "owner_id": owner_id,
        "level": level,
        "status": status,
        "tags": tag,
        "org_unit_id": org_unit_id,
    }
    docs = await objectives.objectives_list(
        principal, {k: v for k, v in filters.items() if v}, limit, offset
    )
    return page([public_view(d) for d in docs], limit, offset)
