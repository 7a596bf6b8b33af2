"""HTTP routes of check-ins, corrections and bitemporal reads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from okr_checkins.check_ins.commands import CorrectCheckIn, RecordCheckIn
from okr_checkins.check_ins.schemas import (
    CheckInIn,
    CheckInOut,
    CheckInsOut,
    CorrectionIn,
    ValueOut,
    report_from,
)
from okr_checkins.deps import App
from okr_checkins.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, require_offset

router = APIRouter(prefix="/v1", tags=["check-ins"])


@router.post("/check-ins", status_code=201, responses={**NOT_KNOWN_YET, **problems(403, 409)})
async def record_check_in(body: CheckInIn, caller: CurrentCaller, app: App) -> CheckInOut:
    """Reports a key result's value and confidence, now or back-dated within the cycle."""
    return await call(
        app.record_check_in, RecordCheckIn(body.key_result_id, report_from(body)), caller
    )


@router.post(
    "/corrections", status_code=201, responses={**NOT_KNOWN_YET, **problems(403, 404, 409)}
)
async def correct_check_in(body: CorrectionIn, caller: CurrentCaller, app: App) -> CheckInOut:
    """Corrects an earlier check-in with a new one; what was known before stays readable."""
    command = CorrectCheckIn(body.key_result_id, body.corrects, report_from(body), body.reason)
    return await call(app.correct_check_in, command, caller)


@router.get(
    "/key-results/{key_result_id}/check-ins", responses={**NOT_KNOWN_YET, **problems(403, 404)}
)
async def history(
    key_result_id: str,
    caller: CurrentCaller,
    app: App,
    known_at: Annotated[datetime | None, Query()] = None,
) -> CheckInsOut:
    """The check-ins of a key result as known at `known_at` (now by default), corrections marked."""
    items = await call(app.history, caller, key_result_id, require_offset(known_at, "known_at"))
    return CheckInsOut.model_validate({"items": items})


@router.get("/key-results/{key_result_id}/value", responses={**NOT_KNOWN_YET, **problems(403, 404)})
async def value(
    key_result_id: str,
    caller: CurrentCaller,
    app: App,
    effective_at: Annotated[datetime | None, Query()] = None,
    known_at: Annotated[datetime | None, Query()] = None,
) -> ValueOut:
    """The value effective at `effective_at`, as the platform knew it at `known_at` (both default to now)."""
    return await call(
        app.value,
        caller,
        key_result_id,
        require_offset(effective_at, "effective_at"),
        require_offset(known_at, "known_at"),
    )
