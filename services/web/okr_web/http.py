"""The web server's ASGI app: sign-in, the proxy to the services, then the built web app."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from okr_shared.asyncapi_routes import asyncapi_router
from okr_shared.metrics.http import HttpMetricsMiddleware, metrics_router, platform_authenticate
from okr_shared.problems import install_problem_handlers
from okr_shared.settings import KafkaSettings
from okr_shared.web import BodySizeLimitMiddleware, add_health_routes
from okr_web.assets.router import router as assets_router
from okr_web.auth.router import router as auth_router
from okr_web.bootstrap import WebContainer
from okr_web.proxy.router import router as proxy_router
from okr_web.unavailable import Unavailable, unavailable_response


def _register_checks(app: FastAPI, container: WebContainer) -> None:
    """Readiness: each service named in OKR_WEB_READY_SERVICES answers its liveness check, and
    the front end is built."""
    forwarder = container.forwarder
    for service in container.settings.ready_services:
        app.state.health.add(service, lambda s=service: forwarder.live(s))

    async def built() -> None:
        if not container.build.built():
            raise FileNotFoundError(f"no {container.build.index}")

    app.state.health.add("web-app-build", built)


def create_http_app(container: WebContainer) -> FastAPI:
    """The web server. No route checks tokens: the services behind `/api/` do."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await container.close()

    app = FastAPI(
        title="OKR web server",
        version="0.1.0",
        description="The web app's built assets, its sign-in, and the services' APIs under "
        "/api/<service>/, on one origin.",
        lifespan=lifespan,
    )
    install_problem_handlers(app)
    app.add_exception_handler(Unavailable, unavailable_response)
    app.add_middleware(
        BodySizeLimitMiddleware, max_body_bytes=container.settings.http.max_body_bytes
    )
    app.add_middleware(HttpMetricsMiddleware)
    add_health_routes(app)
    app.include_router(metrics_router(platform_authenticate))
    _register_checks(app, container)
    app.include_router(asyncapi_router(None, KafkaSettings()))
    app.include_router(auth_router)
    app.include_router(proxy_router)
    app.include_router(assets_router)
    app.state.container = container
    return app
