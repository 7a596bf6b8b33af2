"""What every goal route needs: the caller, the application, and domain errors as problem details."""

from __future__ import annotations

import uuid
from datetime import datetime
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from okr_shared.problems import Problem, call, field_error
from okr_shared.telemetry import current_traceparent
from okr_shared.web import CurrentPrincipal

from okr_shared.event_meta import Caller
from okr_goals.application.service import GoalsApplication
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


async def run(fn: Callable[..., Any], *args: Any) -> Any:
    """Runs an application call off the event loop, mapping domain errors to problem details."""
    return await call(fn, *args)


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
