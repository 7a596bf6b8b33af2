"""HTTP API of the review service: the feature routers; the knowledge consumer, the outbox relay
and the grading reminder scheduler run beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from okr_reviews.bootstrap import ReviewsContainer
from okr_reviews.calibration.router import router as calibration
from okr_reviews.rescoring.router import router as rescoring
from okr_reviews.retrospectives.router import router as retrospectives
from okr_reviews.reviews.router import router as reviews
from okr_reviews.rules.router import router as rules
from okr_shared.health import (
    consumer_check,
    event_store_probe,
    kafka_check,
    stop_seconds,
    stop_within,
)
from okr_shared.messaging import REVIEWS_TOPIC, ensure_topics
from okr_shared.web import create_app


def create_http_app(container: ReviewsContainer, background: bool = True) -> FastAPI:
    """The review service's ASGI app; with `background`, also its consumer, relay and grading
    reminder scheduler."""
    settings = container.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks, relay = [], None
        health = app.state.health
        health.add_blocking("event-store", event_store_probe(container.store))
        if background and settings.consume:
            await container.start_consuming()
            health.add("knowledge-consumer", consumer_check(container.broker))
            health.add("kafka", kafka_check(settings.kafka))
        if background and settings.relay_enabled:
            await ensure_topics(settings.kafka, [settings.kafka.topic(REVIEWS_TOPIC)])
            relay = container.new_relay()
            await relay.publisher.start()
            tasks.append(asyncio.create_task(relay.run(stop), name="outbox-relay"))
            health.add("kafka", kafka_check(settings.kafka))
        if background and settings.grading_reminders_enabled:
            reminders = asyncio.create_task(
                container.remind_forever(stop), name="grading-reminders"
            )
            tasks.append(reminders)
        for task in tasks:
            health.add_task(task.get_name(), task)
        try:
            yield
        finally:
            stop.set()
            await stop_within("background tasks", asyncio.gather(*tasks), stop_seconds())
            if relay is not None:
                await relay.publisher.stop()
            if background and settings.consume:
                await stop_within("kafka consumer", container.broker.stop(), stop_seconds())
            await asyncio.to_thread(container.knowledge.close)

    app = create_app(
        "OKR review service",
        "0.1.0",
        "Grading reviews: versioned scoring rules, suggested scores from progress at the cycle's "
        "end, self-assessments, manager overrides and finalisation.",
        verifier=container.verifier,
        routers=[rules, reviews, retrospectives, calibration, rescoring],
        http=settings.http,
        lifespan=lifespan,
    )
    app.state.container = container
    return app
