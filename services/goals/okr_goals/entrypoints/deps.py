"""What every goal route needs: the caller, the application, and domain errors as problem details."""

from __future__ import annotations

import uuid
from datetime import datetime
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from okr_shared.problems import Problem, field_error
from okr_shared.telemetry import current_traceparent
from okr_shared.web import CurrentPrincipal

from okr_goals.application.commands import Caller
from okr_goals.application.service import GoalsApplication
from okr_goals.domain.errors import (
    AlignmentCycle,
    AlreadyExists,
    CycleLocked,
    Forbidden,
    IdempotencyConflict,
    ImportRejected,
    InvalidField,
    NotFound,
    UnknownReference,
    VersionConflict,
)
from okr_goals.domain.meta import EventMeta


def current_caller(request: Request, principal: CurrentPrincipal) -> Caller:
    """The authenticated caller with the request's correlation and trace, recorded on every event."""
    request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
    meta = EventMeta(
        tenant_id=principal.tenant_id,
        actor_id=principal.actor_id,
        correlation_id=request.headers.get("x-correlation-id") or request_id,
        causation_id=request_id,
        traceparent=current_traceparent(),
    )
    return Caller(meta=meta, roles=frozenset(principal.roles))


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def application(request: Request) -> GoalsApplication:
    return request.app.state.container.application


App = Annotated[GoalsApplication, Depends(application)]


def _invalid(exc: InvalidField) -> Problem:
    status, title, kind = 422, "Invalid request", "validation"
    if isinstance(exc, UnknownReference):
        title, kind = "Unknown reference", "unknown-reference"
    elif isinstance(exc, AlignmentCycle):
        title, kind = "Alignment cycle", "alignment-cycle"
    elif isinstance(exc, CycleLocked):
        status, title, kind = 409, "Cycle closed", "cycle-closed"
    elif isinstance(exc, Forbidden):
        status, title, kind = 403, "Forbidden", "forbidden"
    return Problem(status, title, str(exc), kind=kind, errors=[field_error(exc.field, exc.message)])


async def run(fn: Callable[..., Any], *args: Any) -> Any:
    """Runs an application call off the event loop, mapping domain errors to problem details."""
    try:
        return await run_in_threadpool(fn, *args)
    except InvalidField as exc:
        raise _invalid(exc) from exc
    except NotFound as exc:
        raise Problem(404, f"{exc.kind.capitalize()} not found", f"No {exc.kind} {exc.key} in this tenant.",
                      kind="not-found") from exc
    except VersionConflict as exc:
        raise Problem(409, "Version conflict", str(exc), kind="version-conflict",
                      errors=[field_error("#/expected_version", f"the current version is {exc.actual}")]) from exc
    except AlreadyExists as exc:
        raise Problem(409, "Already exists", str(exc), kind="already-exists",
                      errors=[field_error(exc.field, exc.message)]) from exc
    except IdempotencyConflict as exc:
        raise Problem(409, "Idempotency key reused", str(exc), kind="idempotency-conflict",
                      errors=[field_error("header:Idempotency-Key", "already used for a different request")]) from exc
    except ImportRejected as exc:
        raise Problem(422, "Import rejected", f"{exc}; nothing was stored.", kind="import-rejected",
                      errors=exc.errors) from exc


def reject_nulls(changes: dict[str, Any], nullable: tuple[str, ...] = ()) -> None:
    nulls = [k for k, v in changes.items() if v is None and k not in nullable]
    if nulls:
        raise Problem(422, "Invalid request", "Fields cannot be set to null.", kind="validation",
                      errors=[field_error(f"#/{k}", "must not be null") for k in nulls])


def aware(value: datetime | None, name: str) -> datetime | None:
    """Refuses times without an offset: an audit query must not depend on the server's time zone."""
    if value is not None and value.tzinfo is None:
        raise Problem(422, "Invalid request", f"{name} needs a time-zone offset.", kind="validation",
                      errors=[field_error(f"query:{name}", "must include a time-zone offset, e.g. Z")])
    return value
