"""HTTP app of the goal service: the routers, and the outbox relay running beside them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from okr_goals.alignment.router import router as alignment_router
from okr_goals.bootstrap import GoalsContainer
from okr_goals.cycles.router import router as cycles_router
from okr_goals.directory.router import router as directory_router
from okr_goals.history.router import router as history_router
from okr_goals.objectives.router import router as objectives_router
from okr_goals.rollover.router import router as rollover_router
from okr_shared.health import event_store_probe, kafka_check, stop_seconds, stop_within
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.web import create_app

ROUTERS = [
    objectives_router,
    history_router,
    alignment_router,
    cycles_router,
    rollover_router,
    directory_router,
]


def create_http_app(container: GoalsContainer, run_relay: bool | None = None) -> FastAPI:
    """The goal service's ASGI app; runs the outbox relay beside it unless disabled."""
    relay_wanted = container.settings.relay_enabled if run_relay is None else run_relay

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = None
        app.state.health.add_blocking("event-store", event_store_probe(container.store))
        if relay_wanted:
            await ensure_topics(
                container.settings.kafka, [container.settings.kafka.topic(GOALS_TOPIC)]
            )
            relay = container.new_relay()
            await relay.publisher.start()
            task = asyncio.create_task(relay.run(stop), name="outbox-relay")
            app.state.health.add("kafka", kafka_check(container.settings.kafka))
            app.state.health.add_task("outbox-relay", task)
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await stop_within("outbox relay", task, stop_seconds())
                await relay.publisher.stop()

    app = create_app(
        "OKR goal service",
        "0.1.0",
        "Objectives and key results, event-sourced: every change is kept with who, when and why.",
        verifier=container.verifier,
        routers=ROUTERS,
        http=container.settings.http,
        lifespan=lifespan,
    )
    app.state.container = container
    return app
