"""Request counts and latencies by route template, and `GET /metrics` (never anonymous)."""

from __future__ import annotations

import functools
import hmac
import re
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.routing import compile_path

from okr_shared.access import ADMIN
from okr_shared.identity import Principal, TokenVerifier
from okr_shared.metrics.definitions import HTTP_DURATION, HTTP_REQUESTS, REGISTRY
from okr_shared.metrics.sources import refresh
from okr_shared.problems import Problem
from okr_shared.settings import AuthSettings

METRICS_PATH = "/metrics"
UNMATCHED = "<unmatched>"

Scope = dict[str, Any]


class MetricsSettings(BaseSettings):
    """`OKR_METRICS_TOKEN`: the bearer a scraper sends (unset: only admin tokens may read)."""

    model_config = SettingsConfigDict(env_prefix="OKR_METRICS_", extra="ignore")
    token: SecretStr | None = None


def route_template(scope: Scope) -> str:
    """The template of the route that answered (`/v1/objectives/{objective_id}`), or of the
    documented path the request would match when the answer came before routing (401, 413);
    `<unmatched>` otherwise: a bounded label."""
    route = scope.get("route")
    if route is not None and getattr(route, "path", None):
        return route.path
    path = scope.get("path", "")
    for pattern, template in _templates(scope.get("app")):
        if pattern.match(path):
            return template
    return UNMATCHED


def _templates(app: Any) -> list[tuple[re.Pattern[str], str]]:
    """The app's documented path templates, compiled once per app."""
    state = getattr(app, "state", None)
    if state is None:
        return []
    known = getattr(state, "metrics_templates", None)
    if known is None:
        paths = app.openapi().get("paths", {}) if hasattr(app, "openapi") else {}
        known = [(compile_path(template)[0], template) for template in paths]
        state.metrics_templates = known
    return known


class HttpMetricsMiddleware:
    """Counts each answered request and observes its duration (outermost: every answer)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observed_send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            labels = {
                "method": scope["method"],
                "route": route_template(scope),
                "status": str(status),
            }
            HTTP_REQUESTS.labels(**labels).inc()
            HTTP_DURATION.labels(**labels).observe(time.perf_counter() - started)


def _unauthenticated(detail: str) -> Problem:
    return Problem(
        401,
        "Authentication required",
        f"The metrics need the scrape token or an admin token: {detail}.",
        kind="unauthenticated",
        errors=[{"pointer": "header:Authorization", "detail": detail}],
        headers={"WWW-Authenticate": 'Bearer realm="okr"'},
    )


def authorize_scrape(request: Request, authenticate: Any) -> None:
    """Lets the request read the metrics if its bearer is `OKR_METRICS_TOKEN` (compared in
    constant time) or a platform token with role admin; 401 otherwise."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise _unauthenticated("missing bearer token")
    expected = MetricsSettings().token
    if expected is not None and hmac.compare_digest(
        token.encode(), expected.get_secret_value().encode()
    ):
        return
    try:
        principal = authenticate(request)
    except Exception as exc:
        raise _unauthenticated("neither the scrape token nor a valid platform token") from exc
    if ADMIN not in principal.roles:
        raise _unauthenticated("the platform token has no admin role")


@functools.cache
def _platform_verifier() -> TokenVerifier:
    return TokenVerifier(AuthSettings())


def platform_authenticate(request: Request) -> Principal:
    """Verifies the bearer with the platform's token settings, for an app that verifies no
    tokens itself (the web server); raises when it cannot."""
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    return _platform_verifier().verify(token)


def metrics_router(authenticate: Any) -> APIRouter:
    """`GET /metrics`: the Prometheus text format, for the scrape token or an admin."""
    router = APIRouter(tags=["ops"])

    @router.get(
        METRICS_PATH,
        response_class=Response,
        responses={
            200: {
                "description": "The service's metrics in the Prometheus text format",
                "content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}},
            }
        },
    )
    async def metrics(request: Request) -> Response:
        """Prometheus metrics (`okr_` names): the bearer is `OKR_METRICS_TOKEN` or an admin's
        platform token; 401 otherwise."""
        authorize_scrape(request, authenticate)
        await refresh()
        return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)

    return router
