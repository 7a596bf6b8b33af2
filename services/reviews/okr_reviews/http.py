"""HTTP API of the review service: the feature routers; the knowledge consumer, the outbox relay
and the grading reminder scheduler run beside it (`okr_shared.service_runtime`)."""

from __future__ import annotations

from fastapi import FastAPI

from okr_reviews.bootstrap import ReviewsContainer
from okr_reviews.calibration.router import router as calibration
from okr_reviews.rescoring.router import router as rescoring
from okr_reviews.retrospectives.router import router as retrospectives
from okr_reviews.reviews.router import router as reviews
from okr_reviews.rules.router import router as rules
from okr_shared.asyncapi_routes import asyncapi_router
from okr_shared.audit.router import router as audit_router
from okr_shared.web import create_app


def create_http_app(container: ReviewsContainer, background: bool = True) -> FastAPI:
    """The review service's ASGI app; with `background`, also its consumer, relay and grading
    reminder scheduler."""
    settings = container.settings
    lifespan = container.runtime().lifespan(
        consume=background and settings.consume,
        relay=background and settings.relay_enabled,
        tasks=background,
    )
    app = create_app(
        "OKR review service",
        "0.1.0",
        "Grading reviews: versioned scoring rules, suggested scores from progress at the cycle's "
        "end, self-assessments, manager overrides and finalisation.",
        verifier=container.verifier,
        routers=[rules, reviews, retrospectives, calibration, rescoring, audit_router],
        http=settings.http,
        lifespan=lifespan,
    )
    app.include_router(asyncapi_router("reviews", settings.kafka))
    app.state.container = container
    app.state.audit = container.audit.reads()
    return app
