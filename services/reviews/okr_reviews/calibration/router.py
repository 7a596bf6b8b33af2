"""HTTP routes of calibration: a unit's score distribution, and sessions that adjust scores."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from okr_reviews.calibration.commands import AdjustScore, CloseSession, OpenSession
from okr_reviews.calibration.handlers import CalibrationHandlers
from okr_reviews.calibration.schemas import (
    AdjustedOut,
    AdjustIn,
    CalibrationOut,
    CloseSessionIn,
    OpenSessionIn,
    SessionOut,
    calibration_out,
    session_out,
)
from okr_reviews.reviews.schemas import review_out
from okr_reviews.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["calibration"])
OrgUnitId = Annotated[str, Query(min_length=1, max_length=100)]


def calibration_handlers(request: Request) -> CalibrationHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.calibration


Handlers = Annotated[CalibrationHandlers, Depends(calibration_handlers)]
CHANGING = {**NOT_KNOWN_YET, **problems(403, 404, 409)}


@router.get("/cycles/{cycle_id}/calibration", responses={**NOT_KNOWN_YET, **problems(403, 404)})
async def calibration(
    cycle_id: str, org_unit_id: OrgUnitId, caller: CurrentCaller, handlers: Handlers
) -> CalibrationOut:
    """The distribution of the cycle's objective scores in the unit and its sub-units (per unit,
    manager and commitment), for the unit's leaders and auditors."""
    found = await call(handlers.calibration, caller, cycle_id, org_unit_id)
    return calibration_out(found)


@router.post("/cycles/{cycle_id}/calibration-sessions", status_code=201, responses=CHANGING)
async def open_session(
    cycle_id: str, body: OpenSessionIn, caller: CurrentCaller, handlers: Handlers
) -> SessionOut:
    """Opens a calibration session for an org unit and its sub-units while the cycle grades."""
    command = OpenSession(cycle_id, body.org_unit_id, body.reason)
    return session_out(await call(handlers.open, command, caller))


@router.get("/calibration-sessions/{session_id}", responses={**NOT_KNOWN_YET, **problems(404)})
async def session(session_id: str, caller: CurrentCaller, handlers: Handlers) -> SessionOut:
    """A session with every adjustment made in it."""
    return session_out(await call(handlers.session, caller, session_id))


@router.post("/calibration-sessions/{session_id}/adjustments", responses=CHANGING)
async def adjust(
    session_id: str, body: AdjustIn, caller: CurrentCaller, handlers: Handlers
) -> AdjustedOut:
    """Gives a key result of a review in the session's subtree a new score, with a reason."""
    command = AdjustScore(
        session_id,
        body.review_id,
        body.key_result_id,
        body.score,
        body.reason,
        body.expected_version,
    )
    review, found = await call(handlers.adjust, command, caller)
    return AdjustedOut(review=review_out(review), session=session_out(found))


@router.post("/calibration-sessions/{session_id}/close", responses=CHANGING)
async def close(
    session_id: str, body: CloseSessionIn, caller: CurrentCaller, handlers: Handlers
) -> SessionOut:
    """Closes the session; no score is adjusted in it afterwards."""
    command = CloseSession(session_id, body.reason)
    return session_out(await call(handlers.close, command, caller))
