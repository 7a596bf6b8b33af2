"""HTTP routes of check-ins, corrections and bitemporal reads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from okr_checkins.check_ins.commands import CorrectCheckIn, RecordCheckIn
from okr_checkins.check_ins.handlers import CheckInHandlers
from okr_checkins.check_ins.schemas import (
    CheckInIn,
    CheckInOut,
    CheckInsOut,
    CorrectionIn,
    ValueOut,
    report_from,
)
from okr_checkins.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, require_offset

router = APIRouter(prefix="/v1", tags=["check-ins"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)]


async def check_ins_handlers(request: Request) -> CheckInHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.check_ins


CheckIns = Annotated[CheckInHandlers, Depends(check_ins_handlers)]


@router.post(
    "/check-ins",
    status_code=201,
    response_model=CheckInOut,
    responses={
        200: {"model": CheckInOut, "description": "A retry with the same Idempotency-Key"},
        **NOT_KNOWN_YET,
        **problems(403, 409),
    },
)
async def record_check_in(
    body: CheckInIn,
    response: Response,
    caller: CurrentCaller,
    handlers: CheckIns,
    idempotency_key: IdempotencyKey = None,
) -> CheckInOut:
    """Reports a key result's value and confidence, now or back-dated within the cycle.

    With an `Idempotency-Key`, a retry by the same person on the same key result answers 200 with
    `Idempotent-Replayed: true` and the check-in recorded first; the key with a different value,
    confidence, note, blockers or `effective_at` is a 409 idempotency conflict. A key names one
    request per key result: reused on another key result, it records there separately."""
    command = RecordCheckIn(body.key_result_id, report_from(body), idempotency_key)
    result = await call(handlers.record, command, caller)
    if result.replayed:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
    return CheckInOut.model_validate(result.check_in)


@router.post(
    "/corrections", status_code=201, responses={**NOT_KNOWN_YET, **problems(403, 404, 409)}
)
async def correct_check_in(
    body: CorrectionIn, caller: CurrentCaller, handlers: CheckIns
) -> CheckInOut:
    """Corrects an earlier check-in with a new one; what was known before stays readable."""
    command = CorrectCheckIn(body.key_result_id, body.corrects, report_from(body), body.reason)
    return await call(handlers.correct_check_in, command, caller)


@router.get(
    "/key-results/{key_result_id}/check-ins", responses={**NOT_KNOWN_YET, **problems(403, 404)}
)
async def history(
    key_result_id: str,
    caller: CurrentCaller,
    handlers: CheckIns,
    known_at: Annotated[datetime | None, Query()] = None,
) -> CheckInsOut:
    """The check-ins of a key result as known at `known_at` (now by default), corrections marked."""
    items = await call(
        handlers.history, caller, key_result_id, require_offset(known_at, "known_at")
    )
    return CheckInsOut.model_validate({"items": items})


@router.get("/key-results/{key_result_id}/value", responses={**NOT_KNOWN_YET, **problems(403, 404)})
async def value(
    key_result_id: str,
    caller: CurrentCaller,
    handlers: CheckIns,
    effective_at: Annotated[datetime | None, Query()] = None,
    known_at: Annotated[datetime | None, Query()] = None,
) -> ValueOut:
    """The value effective at `effective_at`, as the platform knew it at `known_at` (both default
    to now)."""
    return await call(
        handlers.value,
        caller,
        key_result_id,
        require_offset(effective_at, "effective_at"),
        require_offset(known_at, "known_at"),
    )
