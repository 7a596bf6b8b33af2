"""The audit routes every write service serves (`app.state.audit`: its `AuditService`), and the
dependency that records a read through an auditor-facing route in the read log."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from okr_shared.api_models import Offset, problems
from okr_shared.audit.schemas import (
    CheckpointOut,
    CheckpointsOut,
    EventLineOut,
    EventsOut,
    FailureOut,
    KeyOut,
    KeysOut,
    ReadOut,
    VerificationOut,
)
from okr_shared.audit.service import MAX_PAGE, AuditService
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, require_offset


def audit_service(request: Request) -> AuditService:
    return request.app.state.audit


Audit = Annotated[AuditService, Depends(audit_service)]


async def recorded_read(request: Request, caller: CurrentCaller, audit: Audit) -> None:
    """Records who read which route with which parameters, and when (refused reads included)."""
    route = getattr(request.scope.get("route"), "path", request.url.path)
    parameters = {**request.path_params, **dict(request.query_params)}
    await run_in_threadpool(
        audit.record_read,
        caller,
        route,
        parameters,
        parameters.get("objective_id"),
        parameters.get("cycle_id"),
    )


RecordedRead = Depends(recorded_read)
router = APIRouter(tags=["audit"], dependencies=[RecordedRead])
Position = Annotated[int | None, Query(ge=1, le=2**63 - 1)]


@router.get("/v1/audit/keys", response_model=KeysOut)
async def keys(caller: CurrentCaller, audit: Audit) -> KeysOut:
    """The public keys the service's checkpoints are signed with (any caller of the tenant)."""
    found = await call(audit.keys, caller)
    return KeysOut(service=audit.service, keys=[KeyOut(**k) for k in found])


@router.get("/v1/audit/events", response_model=EventsOut, responses=problems(403))
async def events(
    caller: CurrentCaller,
    audit: Audit,
    from_position: Position = None,
    to_position: Position = None,
    from_time: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None,
    to_time: Annotated[datetime | None, Query(description="ISO 8601 with offset")] = None,
    after: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 500,
) -> EventsOut:
    """The tenant's canonical event lines with their recorded chain values (admins and
    auditors). A listing starts right after the latest checkpoint below the first position
    asked for; `after` (the previous page's `next_after`) continues it."""
    page = await call(
        audit.events,
        caller,
        from_position,
        to_position,
        require_offset(from_time, "from_time"),
        require_offset(to_time, "to_time"),
        after,
        limit,
    )
    return EventsOut(
        service=page.service,
        tenant_id=page.tenant_id,
        previous_hash=page.previous_hash,
        events=[EventLineOut(position=p, line=line.decode(), hash=h) for p, line, h in page.events],
        next_after=page.next_after,
    )


@router.get("/v1/audit/checkpoints", response_model=CheckpointsOut, responses=problems(403))
async def checkpoints(caller: CurrentCaller, audit: Audit) -> CheckpointsOut:
    """The tenant's signed checkpoints, oldest first (admins and auditors)."""
    found = await call(audit.checkpoints, caller)
    return CheckpointsOut(
        service=audit.service,
        tenant_id=caller.tenant_id,
        checkpoints=[CheckpointOut(**c.as_dict()) for c in found],
    )


@router.post(
    "/v1/audit/checkpoints",
    response_model=CheckpointOut,
    responses={**problems(403), 204: {"description": "Nothing chained yet, or no signing key"}},
)
async def sign_head(caller: CurrentCaller, audit: Audit) -> CheckpointOut | Response:
    """Signs the tenant's chain as far as it is chained now (or answers the last checkpoint,
    which already covers it), so an export ends with a signed value (admins and auditors)."""
    found = await call(audit.sign_head, caller)
    if found is None:
        return Response(status_code=204)
    return CheckpointOut(**found.as_dict())


@router.get("/v1/audit/verify", response_model=VerificationOut, responses=problems(403))
async def verify(caller: CurrentCaller, audit: Audit) -> VerificationOut:
    """Verifies the tenant's stored events against the recorded chain and the checkpoints:
    names every event changed, missing, inserted or reordered (admins and auditors)."""
    report = await call(audit.verify, caller)
    first = report.first
    return VerificationOut(
        service=report.service,
        tenant_id=report.tenant_id,
        ok=report.ok,
        chained_position=report.chained_position,
        events=report.events,
        checkpoints=report.checkpoints,
        unsigned=report.unsigned,
        first=FailureOut(**asdict(first)) if first else None,
        failures=[FailureOut(**asdict(f)) for f in report.failures],
    )


@router.get("/v1/audit/reads", response_model=list[ReadOut], responses=problems(403))
async def reads(
    caller: CurrentCaller,
    audit: Audit,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> list[ReadOut]:
    """Who read what through the auditor-facing routes, newest first (admins only)."""
    found = await call(audit.reads, caller, offset, limit)
    return [ReadOut(**{**asdict(r), "roles": list(r.roles)}) for r in found]
