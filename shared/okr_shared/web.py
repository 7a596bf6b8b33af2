"""FastAPI plumbing shared by the services: app factory, body limit, tracing, authentication."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, get_args, get_origin

from fastapi import APIRouter, Depends, FastAPI, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from okr_shared.api_models import document_problems, is_open
from okr_shared.event_meta import Caller, EventMeta
from okr_shared.health import HealthChecks
from okr_shared.identity import AuthenticationError, Principal, TokenVerifier
from okr_shared.metrics.http import METRICS_PATH, HttpMetricsMiddleware, metrics_router
from okr_shared.problems import PROBLEM_JSON, Problem, install_problem_handlers, problem_response
from okr_shared.settings import HttpSettings
from okr_shared.telemetry import current_traceparent
from okr_shared.text import TooDeep, shown, text_fault, text_faults

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PRINCIPAL_KEY = "okr.principal"


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
        body = json.dumps(
            {
                "type": "https://okr-platform.dev/problems/body-too-large",
                "title": "Request body too large",
                "status": 413,
                "detail": f"The request body exceeds {self.max} bytes.",
                "errors": [{"pointer": "#", "detail": f"body larger than {self.max} bytes"}],
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _open_paths(app: Any) -> frozenset[str]:
    urls = (
        getattr(app, name, None)
        for name in ("openapi_url", "docs_url", "redoc_url", "swagger_ui_oauth2_redirect_url")
    )
    return frozenset(url for url in urls if url)


class AuthenticationMiddleware:
    """Answers 401 before the request is routed or its body read, unless the path is open
    (`/metrics` checks its own bearer: the scrape token or an admin's)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] == "http"
            and path != METRICS_PATH
            and not is_open(path, _open_paths(scope.get("app")))
        ):
            try:
                scope[PRINCIPAL_KEY] = authenticate(Request(scope))
            except Problem as problem:
                await problem_response(problem, shown(scope["path"]))(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _json_body(scope: Scope) -> bool:
    content_type = dict(scope.get("headers") or []).get(b"content-type", b"").decode("latin-1")
    media_type = content_type.split(";")[0].strip().lower()
    return media_type in ("", "application/json") or media_type.endswith("+json")


def body_problem(body: bytes) -> Problem | None:
    """The problem with a JSON body that no route may take (too deep, a string that may not be
    stored), or None; a body that is not JSON is left to the route to report."""
    try:
        document = json.loads(body)
        faults = text_faults(document)
    except (RecursionError, TooDeep) as exc:
        detail = str(exc) if isinstance(exc, TooDeep) else "the document nests too deeply"
        return Problem(
            400,
            "Malformed request body",
            f"The request body is refused: {detail}.",
            kind="malformed-json",
            errors=[{"pointer": "#", "detail": detail}],
        )
    except ValueError:
        return None
    if not faults:
        return None
    fields = ", ".join(f["pointer"] for f in faults)
    return Problem(
        422,
        "Invalid request",
        f"The request has invalid fields: {fields}.",
        kind="validation",
        errors=faults,
    )


class JsonBodyGuardMiddleware:
    """Refuses JSON bodies nested too deeply or holding strings that may not be stored."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD") or not _json_body(scope):
            await self.app(scope, receive, send)
            return
        messages = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        problem = body_problem(body) if body.strip() else None
        if problem is not None:
            await problem_response(problem, shown(scope["path"]))(scope, receive, send)
            return

        async def replay() -> dict[str, Any]:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _repeatable(annotation: Any) -> bool:
    """Whether a query parameter of this type may be given several times (a list)."""
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_repeatable(arg) for arg in get_args(annotation) if arg is not type(None))


def _declared_query(request: Request) -> dict[str, bool] | None:
    """The matched route's query parameters, each with whether it may repeat (None: no route)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return None
    names: dict[str, bool] = {}
    pending = [dependant]
    while pending:
        current = pending.pop()
        for param in current.query_params:
            names[param.alias] = _repeatable(param.field_info.annotation)
        pending.extend(current.dependencies)
    return names


def _query_fault(
    name: str, value: str, declared: dict[str, bool] | None, seen: set[str]
) -> str | None:
    fault = text_fault(name) or text_fault(value)
    if fault or declared is None:
        return fault
    if name not in declared:
        return "unknown query parameter"
    if name in seen and not declared[name]:
        return "given more than once"
    seen.add(name)
    return None


async def check_parameters(request: Request) -> None:
    """Refuses unknown query parameters (a misspelt filter must not be ignored) and path and
    query parameters holding characters no identifier or text may hold."""
    errors = []
    declared = _declared_query(request)
    for name, value in request.path_params.items():
        if isinstance(value, str) and (text_fault(value) or any(c in value for c in "\t\n\r")):
            errors.append(
                {
                    "pointer": f"path:{shown(name)}",
                    "detail": text_fault(value) or "must not contain control characters",
                }
            )
    seen: set[str] = set()
    for name, value in request.query_params.multi_items():
        fault = _query_fault(name, value, declared, seen)
        if fault:
            errors.append({"pointer": f"query:{shown(name)}", "detail": fault})
    if errors:
        fields = ", ".join(e["pointer"] for e in errors)
        raise Problem(
            422,
            "Invalid request",
            f"The request has invalid parameters: {fields}.",
            kind="validation",
            errors=errors,
        )


def create_app(
    title: str,
    version: str,
    description: str,
    *,
    verifier: TokenVerifier,
    routers: list[APIRouter],
    http: HttpSettings | None = None,
    **kwargs: Any,
) -> FastAPI:
    """A FastAPI app with problem details, authentication before anything else, a body-size limit,
    request hygiene, problems documented on every route, FastAPI's native OpenTelemetry spans,
    request metrics and `GET /metrics` (`okr_shared.metrics`)."""
    dependencies = [*kwargs.pop("dependencies", []), Depends(check_parameters)]
    app = FastAPI(
        title=title, version=version, description=description, dependencies=dependencies, **kwargs
    )
    install_problem_handlers(app)
    app.add_middleware(JsonBodyGuardMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware, max_body_bytes=(http or HttpSettings()).max_body_bytes
    )
    app.add_middleware(AuthenticationMiddleware)
    app.add_middleware(HttpMetricsMiddleware)
    app.state.token_verifier = verifier
    for router in routers:
        app.include_router(router)
    app.include_router(metrics_router(authenticate))
    _document_problems(app)

    add_health_routes(app)
    return app


class LiveOut(BaseModel):
    status: str


class CheckOut(BaseModel):
    ok: bool
    detail: str | None = None
    seconds: float


class ReadyOut(BaseModel):
    """Whether every readiness check passed in time, and each check's answer."""

    status: str
    failed: list[str]
    checks: dict[str, CheckOut]


def add_health_routes(app: FastAPI) -> None:
    """`/health/live` and `/health` (liveness); `/health/ready` runs `app.state.health`."""
    app.state.health = HealthChecks()

    @app.get("/health", tags=["ops"], response_model=LiveOut)
    @app.get("/health/live", tags=["ops"], response_model=LiveOut)
    async def live() -> LiveOut:
        """Liveness: the process serves requests."""
        return LiveOut(status="ok")

    @app.get(
        "/health/ready",
        tags=["ops"],
        response_model=ReadyOut,
        responses={503: {"model": ReadyOut, "description": "A check failed or timed out"}},
    )
    async def ready(request: Request) -> JSONResponse:
        """Readiness: every check passed in time; 503 names the ones that did not."""
        results = await request.app.state.health.run()
        failed = [r.name for r in results if not r.ok]
        body = ReadyOut(
            status="unavailable" if failed else "ok",
            failed=failed,
            checks={
                r.name: CheckOut(ok=r.ok, detail=r.detail, seconds=round(r.seconds, 3))
                for r in results
            },
        )
        return JSONResponse(body.model_dump(), status_code=503 if failed else 200)


def _document_problems(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate(), _open_paths(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


_bearer = HTTPBearer(auto_error=False, description="A JWT with sub, tenant, iss, aud, iat and exp")


async def current_principal(
    request: Request,
    _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None,
) -> Principal:
    """The request's authenticated principal (verifier: `app.state.token_verifier`), else 401."""
    known = request.scope.get(PRINCIPAL_KEY)
    return known if isinstance(known, Principal) else authenticate(request)


def authenticate(request: Request) -> Principal:
    """Verifies the request's bearer token with `app.state.token_verifier`; else 401 problems."""
    verifier: TokenVerifier = request.app.state.token_verifier
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            401,
            "Authentication required",
            "Send an 'Authorization: Bearer <token>' header.",
            kind="unauthenticated",
            errors=[{"pointer": "header:Authorization", "detail": "missing bearer token"}],
            headers={"WWW-Authenticate": 'Bearer realm="okr"'},
        )
    try:
        return verifier.verify(token.strip())
    except AuthenticationError as exc:
        raise Problem(
            401,
            "Authentication failed",
            str(exc),
            kind="unauthenticated",
            errors=[{"pointer": "header:Authorization", "detail": str(exc)}],
            headers={"WWW-Authenticate": 'Bearer realm="okr", error="invalid_token"'},
        ) from exc


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def current_caller(request: Request, principal: CurrentPrincipal) -> Caller:
    """The authenticated caller, with the request's correlation and trace for its events."""
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


def require_offset(value: datetime | None, name: str) -> datetime | None:
    """Refuses query times without an offset: an audit query must not depend on the server's
    time zone."""
    if value is not None and value.tzinfo is None:
        raise Problem(
            422,
            "Invalid request",
            f"{name} needs a time-zone offset.",
            kind="validation",
            errors=[
                {"pointer": f"query:{name}", "detail": "must include a time-zone offset, e.g. Z"}
            ],
        )
    return value
