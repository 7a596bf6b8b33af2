"""FastAPI plumbing shared by the services: app factory, body limit, tracing, authentication."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request

from okr_shared.event_meta import Caller, EventMeta
from okr_shared.identity import AuthenticationError, Principal, TokenVerifier
from okr_shared.problems import PROBLEM_JSON, Problem, install_problem_handlers
from okr_shared.settings import HttpSettings
from okr_shared.telemetry import current_traceparent

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

class _BodyTooLarge(Exception):
    pass


class BodySizeLimitMiddleware:
    """Refuses request bodies above the limit with 413, whether declared or streamed."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def limited_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({
            "type": "https://okr-platform.dev/problems/body-too-large",
            "title": "Request body too large",
            "status": 413,
            "detail": f"The request body exceeds {self.max} bytes.",
            "errors": [{"pointer": "#", "detail": f"body larger than {self.max} bytes"}],
        }).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def create_app(
    title: str, version: str, description: str, *, verifier: TokenVerifier, routers: list[APIRouter],
    http: HttpSettings | None = None, **kwargs: Any,
) -> FastAPI:
    """A FastAPI app with problem details, a body-size limit and FastAPI's native OpenTelemetry spans."""
    app = FastAPI(title=title, version=version, description=description, **kwargs)
    install_problem_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_body_bytes=(http or HttpSettings()).max_body_bytes)
    app.state.token_verifier = verifier
    for router in routers:
        app.include_router(router)

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        """Liveness and readiness: the process serves requests."""
        return {"status": "ok"}

    return app


def current_principal(request: Request) -> Principal:
    """The authenticated principal of the request (verifier from `app.state.token_verifier`), else 401."""
    verifier: TokenVerifier = request.app.state.token_verifier
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "Authentication required", "Send an 'Authorization: Bearer <token>' header.",
                      kind="unauthenticated",
                      errors=[{"pointer": "header:Authorization", "detail": "missing bearer token"}],
                      headers={"WWW-Authenticate": 'Bearer realm="okr"'})
    try:
        return verifier.verify(token.strip())
    except AuthenticationError as exc:
        raise Problem(401, "Authentication failed", str(exc), kind="unauthenticated",
                      errors=[{"pointer": "header:Authorization", "detail": str(exc)}],
                      headers={"WWW-Authenticate": 'Bearer realm="okr", error="invalid_token"'}) from exc


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def current_caller(request: Request, principal: CurrentPrincipal) -> Caller:
    """The authenticated caller, with the request's correlation and trace to record on its events."""
    request_id = request.headers.get("x-request-id") or str(uuid.uuid4())
    meta = EventMeta(tenant_id=principal.tenant_id, actor_id=principal.actor_id,
                     correlation_id=request.headers.get("x-correlation-id") or request_id,
                     causation_id=request_id, traceparent=current_traceparent())
    return Caller(meta=meta, roles=frozenset(principal.roles))


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require_offset(value: datetime | None, name: str) -> datetime | None:
    """Refuses query times without an offset: an audit query must not depend on the server's time zone."""
    if value is not None and value.tzinfo is None:
        raise Problem(422, "Invalid request", f"{name} needs a time-zone offset.", kind="validation",
                      errors=[{"pointer": f"query:{name}", "detail": "must include a time-zone offset, e.g. Z"}])
    return value
