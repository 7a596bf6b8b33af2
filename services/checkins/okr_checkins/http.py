"""HTTP API of the check-in service: the feature routers; the goal-knowledge consumer, the outbox
relay and the reminder scheduler run beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from okr_checkins.bootstrap import CheckinsContainer
from okr_checkins.cadences.router import router as cadences
from okr_checkins.check_ins.router import router as check_ins
from okr_checkins.conversations.router import router as conversations
from okr_checkins.feed.router import router as feed
from okr_checkins.feedback.router import router as feedback
from okr_shared.health import (
    consumer_check,
    event_store_probe,
    kafka_check,
    stop_seconds,
    stop_within,
)
from okr_shared.messaging import CHECKINS_TOPIC, ensure_topics
from okr_shared.web import create_app


def create_http_app(container: CheckinsContainer, background: bool = True) -> FastAPI:
    """The check-in service's ASGI app; with `background`, also its consumer, relay and
    scheduler."""
    settings = container.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks, relay = [], None
        health = app.state.health
        health.add_blocking("event-store", event_store_probe(container.store))
        if background and settings.consume:
            await container.start_consuming()
            health.add("goals-consumer", consumer_check(container.broker))
            health.add("kafka", kafka_check(settings.kafka))
        if background and settings.relay_enabled:
            await ensure_topics(settings.kafka, [settings.kafka.topic(CHECKINS_TOPIC)])
            relay = container.new_relay()
            await relay.publisher.start()
            tasks.append(asyncio.create_task(relay.run(stop), name="outbox-relay"))
            health.add("kafka", kafka_check(settings.kafka))
        if background and settings.reminders_enabled:
            tasks.append(asyncio.create_task(container.remind_forever(stop), name="reminders"))
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
        "OKR check-in service",
        "0.1.0",
        "Check-ins with confidence, known and effective times kept apart; reminders, "
        "conversations, feedback.",
        verifier=container.verifier,
        routers=[check_ins, feed, cadences, conversations, feedback],
        http=settings.http,
        lifespan=lifespan,
    )
    app.state.container = container
    return app
