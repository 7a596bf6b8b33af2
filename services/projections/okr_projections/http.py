"""HTTP API of the projections service: read models scoped to the caller's tenant and visibility."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from okr_projections.ambition.router import router as ambition_router
from okr_projections.bootstrap import ProjectionsContainer
from okr_projections.cycles.router import router as cycles_router
from okr_projections.directory.router import router as directory_router
from okr_projections.due.router import router as due_router
from okr_projections.grading_due.router import router as grading_due_router
from okr_projections.objectives.router import router as objectives_router
from okr_projections.recognition.router import router as recognition_router
from okr_projections.reviews.router import router as reviews_router
from okr_projections.rewards.router import router as rewards_router
from okr_shared.asyncapi_routes import asyncapi_router
from okr_shared.health import (
    consumer_check,
    document_store_check,
    kafka_check,
    stop_seconds,
    stop_within,
)
from okr_shared.web import create_app


def create_http_app(container: ProjectionsContainer, consume: bool | None = None) -> FastAPI:
    """The projections ASGI app; consumes Kafka beside it unless disabled."""
    consuming = container.settings.consume if consume is None else consume

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await container.ensure_indexes()
        await container.follow_pointer()
        app.state.health.add("document-store", document_store_check(container.mongo))
        if consuming:
            await container.start_consuming()
            app.state.health.add("kafka", kafka_check(container.settings.kafka))
            app.state.health.add("consumer", consumer_check(container.broker))
        stop = asyncio.Event()
        follower = asyncio.create_task(container.follow_forever(stop), name="pointer-follower")
        app.state.health.add_task("pointer-follower", follower)
        try:
            yield
        finally:
            stop.set()
            await stop_within("pointer follower", follower, stop_seconds())
            if consuming:
                await stop_within("kafka consumer", container.broker.stop(), stop_seconds())
            await stop_within("document store client", container.mongo.close(), stop_seconds())

    app = create_app(
        "OKR projections service",
        "0.3.0",
        "Objective (with check-ins and reviews), check-ins due, directory, cycle, grading and "
        "ambition, grading-due and recognition read models kept from the platform's events.",
        verifier=container.verifier,
        routers=[
            objectives_router,
            directory_router,
            due_router,
            cycles_router,
            reviews_router,
            ambition_router,
            grading_due_router,
            rewards_router,
            recognition_router,
        ],
        http=container.settings.http,
        lifespan=lifespan,
    )
    app.include_router(asyncapi_router("projections", container.settings.kafka))
    app.state.container = container
    return app
