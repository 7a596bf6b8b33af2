"""HTTP routes of cadences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from okr_checkins.cadences.commands import SetCadence
from okr_checkins.cadences.handlers import CadenceHandlers
from okr_checkins.cadences.schemas import CadenceIn, CadenceOut
from okr_checkins.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["check-ins"])


def cadences_handlers(request: Request) -> CadenceHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.cadences


Cadences = Annotated[CadenceHandlers, Depends(cadences_handlers)]


@router.put("/cadences/tenant", responses=problems(403))
async def set_tenant_cadence(
    body: CadenceIn, caller: CurrentCaller, handlers: Cadences
) -> CadenceOut:
    """Sets the tenant's check-in cadence (admins)."""
    cadence = await call(handlers.set_cadence, SetCadence(body.cadence, None, body.reason), caller)
    return CadenceOut(scope=cadence.scope, cadence=cadence.cadence)


@router.put("/cadences/org-units/{org_unit_id}", responses={**NOT_KNOWN_YET, **problems(403)})
async def set_unit_cadence(
    org_unit_id: str, body: CadenceIn, caller: CurrentCaller, handlers: Cadences
) -> CadenceOut:
    """Sets the cadence of an org unit and the units below it (admins)."""
    cadence = await call(
        handlers.set_cadence, SetCadence(body.cadence, org_unit_id, body.reason), caller
    )
    return CadenceOut(scope=cadence.scope, org_unit_id=cadence.org_unit_id, cadence=cadence.cadence)
