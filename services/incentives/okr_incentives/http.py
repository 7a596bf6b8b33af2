"""HTTP API of the incentive service: the feature routers; the knowledge consumer and the outbox
relay run beside it (`okr_shared.service_runtime`)."""

from __future__ import annotations

from fastapi import FastAPI

from okr_incentives.awards.router import router as awards
from okr_incentives.bootstrap import IncentivesContainer
from okr_incentives.exports.router import router as exports
from okr_incentives.policies.router import router as policies
from okr_incentives.recognition.router import router as recognition
from okr_shared.asyncapi_routes import asyncapi_router
from okr_shared.audit.router import router as audit_router
from okr_shared.web import create_app


def create_http_app(container: IncentivesContainer, background: bool = True) -> FastAPI:
    """The incentive service's ASGI app; with `background`, also its consumer and relay."""
    settings = container.settings
    lifespan = container.runtime().lifespan(
        consume=background and settings.consume, relay=background and settings.relay_enabled
    )
    app = create_app(
        "OKR incentive service",
        "0.1.0",
        "Versioned reward policies bound to finalised cycles; an awards ledger whose every entry "
        "carries the review events, policy version and inputs it was computed from; corrections "
        "compensate, never edit; recognition: kudos, honours and streak badges.",
        verifier=container.verifier,
        routers=[policies, awards, exports, recognition, audit_router],
        http=settings.http,
        lifespan=lifespan,
    )
    app.include_router(asyncapi_router("incentives", settings.kafka))
    app.state.container = container
    app.state.audit = container.audit.reads()
    return app
