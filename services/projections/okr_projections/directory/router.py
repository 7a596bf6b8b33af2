"""HTTP routes of the org-unit and people read models."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from okr_projections.api import DOCUMENT, PAGE, CycleFilter, Id, Limit, found, page
from okr_projections.dependencies import DirectoryAsked, ObjectivesAsked
from okr_projections.directory.schemas import OrgUnitOut, PersonOut
from okr_projections.documents import public_view
from okr_projections.objectives.schemas import InvolvedObjectivesPageOut, ObjectivesPageOut
from okr_shared.api_models import Offset
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["directory"])


@router.get("/org-units/{org_unit_id}", response_model=OrgUnitOut, **DOCUMENT)
async def org_unit(
    org_unit_id: Id, principal: CurrentPrincipal, directory: DirectoryAsked
) -> dict[str, Any]:
    """One org unit, with the units above it (`ancestors`, root first)."""
    return found(await directory.org_unit(principal, org_unit_id), "org unit", org_unit_id)


@router.get("/org-units/{org_unit_id}/objectives", response_model=ObjectivesPageOut, **PAGE)
async def org_unit_objectives(
    org_unit_id: Id,
    principal: CurrentPrincipal,
    objectives: ObjectivesAsked,
    cycle_id: CycleFilter = None,
    include_sub_units: bool = True,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Visible objectives of the unit and, unless `include_sub_units=false`, of every unit below
    it."""
    docs = await objectives.org_unit_objectives(
        principal, org_unit_id, cycle_id, include_sub_units, limit, offset
    )
    return page([public_view(d) for d in docs], limit, offset)


@router.get("/people/{person_id}", response_model=PersonOut, **DOCUMENT)
async def person(
    person_id: Id, principal: CurrentPrincipal, directory: DirectoryAsked
) -> dict[str, Any]:
    """One person of the directory."""
    return found(await directory.person(principal, person_id), "person", person_id)


@router.get("/people/{person_id}/objectives", response_model=InvolvedObjectivesPageOut, **PAGE)
async def person_objectives(
    person_id: Id,
    principal: CurrentPrincipal,
    objectives: ObjectivesAsked,
    cycle_id: CycleFilter = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Visible objectives the person owns or owns a key result or initiative of; `involvement`
    says which."""
    involved = await objectives.person_objectives(principal, person_id, cycle_id, limit, offset)
    return page([{**public_view(doc), "involvement": why} for doc, why in involved], limit, offset)
