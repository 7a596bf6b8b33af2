"""HTTP app of the goal service: the routers, and the outbox relay running beside them
(`okr_shared.service_runtime`)."""

from __future__ import annotations

from fastapi import FastAPI

from okr_goals.alignment.router import router as alignment_router
from okr_goals.bootstrap import GoalsContainer
from okr_goals.cycles.router import router as cycles_router
from okr_goals.directory.router import router as directory_router
from okr_goals.erasure.router import router as erasure_router
from okr_goals.history.router import router as history_router
from okr_goals.objectives.router import router as objectives_router
from okr_goals.rollover.router import router as rollover_router
from okr_shared.asyncapi_routes import asyncapi_router
from okr_shared.audit.router import router as audit_router
from okr_shared.web import create_app

ROUTERS = [
    objectives_router,
    history_router,
    alignment_router,
    cycles_router,
    rollover_router,
    directory_router,
    audit_router,
    erasure_router,
]


def create_http_app(container: GoalsContainer, run_relay: bool | None = None) -> FastAPI:
    """The goal service's ASGI app; runs the outbox relay beside it unless disabled."""
    relay_wanted = container.settings.relay_enabled if run_relay is None else run_relay
    lifespan = container.runtime().lifespan(relay=relay_wanted)
    app = create_app(
        "OKR goal service",
        "0.1.0",
        "Objectives and key results, event-sourced: every change is kept with who, when and why.",
        verifier=container.verifier,
        routers=ROUTERS,
        http=container.settings.http,
        lifespan=lifespan,
    )
    app.include_router(asyncapi_router("goals", container.settings.kafka))
    app.state.container = container
    app.state.audit = container.audit.reads()
    return app
