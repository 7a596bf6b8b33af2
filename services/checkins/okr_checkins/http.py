"""HTTP API of the check-in service: the feature routers; the goal-knowledge consumer, the outbox
relay and the reminder scheduler run beside it (`okr_shared.service_runtime`)."""

from __future__ import annotations

from fastapi import FastAPI

from okr_checkins.bootstrap import CheckinsContainer
from okr_checkins.cadences.router import router as cadences
from okr_checkins.check_ins.router import router as check_ins
from okr_checkins.conversations.router import router as conversations
from okr_checkins.feed.router import router as feed
from okr_checkins.feedback.router import router as feedback
from okr_shared.asyncapi_routes import asyncapi_router
from okr_shared.audit.router import router as audit_router
from okr_shared.web import create_app


def create_http_app(container: CheckinsContainer, background: bool = True) -> FastAPI:
    """The check-in service's ASGI app; with `background`, also its consumer, relay and
    scheduler."""
    settings = container.settings
    lifespan = container.runtime().lifespan(
        consume=background and settings.consume,
        relay=background and settings.relay_enabled,
        tasks=background,
    )
    app = create_app(
        "OKR check-in service",
        "0.1.0",
        "Check-ins with confidence, known and effective times kept apart; reminders, "
        "conversations, feedback.",
        verifier=container.verifier,
        routers=[check_ins, feed, cadences, conversations, feedback, audit_router],
        http=settings.http,
        lifespan=lifespan,
    )
    app.include_router(asyncapi_router("checkins", settings.kafka))
    app.state.container = container
    app.state.audit = container.audit.reads()
    return app
