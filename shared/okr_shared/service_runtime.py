"""What a write service runs beside its HTTP API, started and stopped in one lifespan: the
consumer of other services' topics, the outbox relay to its own topic and any further background
tasks, with their readiness checks.

Start: the event-store probe, then the consumer (`start_consuming` creates the topics and starts
the broker), then the relay (its topic created, its publisher started), then the other tasks.
Stop, each step bounded by `stop_seconds()`: the tasks and the relay loop, the relay's
publisher, the consumer, and last what the service closes (its knowledge table). A start that
fails part way stops, in the same order, what had started before it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from okr_shared.health import (
    consumer_check,
    event_store_probe,
    kafka_check,
    stop_seconds,
    stop_within,
)
from okr_shared.messaging import ensure_topics
from okr_shared.outbox import OutboxRelay
from okr_shared.settings import KafkaSettings

Task = Callable[[asyncio.Event], Awaitable[None]]
"""A background loop that runs until the event is set."""


@dataclass
class ServiceRuntime:
    """A write service's background work: `store` (its eventsourcing application, probed for
    readiness), `broker` and `start_consuming` (None: it consumes nothing) with the consumer's
    check named `consumer_name`, `new_relay` and `topic` (its own topic, namespaced), `tasks` by
    name (those switched on), and `close` called last."""

    store: Any
    kafka: KafkaSettings
    topic: str
    new_relay: Callable[[], OutboxRelay]
    broker: Any = None
    start_consuming: Callable[[], Awaitable[None]] | None = None
    consumer_name: str = "knowledge-consumer"
    tasks: Sequence[tuple[str, Task]] = field(default_factory=tuple)
    close: Callable[[], None] | None = None

    def lifespan(
        self, consume: bool = True, relay: bool = True, tasks: bool = True
    ) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
        """The app's lifespan, running what the flags switch on."""

        @contextlib.asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            health = app.state.health
            health.add_blocking("event-store", event_store_probe(self.store))
            async with contextlib.AsyncExitStack() as started:
                if self.close is not None:
                    started.push_async_callback(asyncio.to_thread, self.close)
                if consume and self.start_consuming is not None:
                    started.push_async_callback(self._stop_consumer)
                    await self.start_consuming()
                    health.add(self.consumer_name, consumer_check(self.broker))
                    health.add("kafka", kafka_check(self.kafka))
                stop, running = asyncio.Event(), []
                if relay:
                    await ensure_topics(self.kafka, [self.topic])
                    outbox = self.new_relay()
                    await outbox.publisher.start()
                    started.push_async_callback(outbox.publisher.stop)
                    running.append(asyncio.create_task(outbox.run(stop), name="outbox-relay"))
                    health.add("kafka", kafka_check(self.kafka))
                started.push_async_callback(_stop_tasks, stop, running)
                if tasks:
                    running += [asyncio.create_task(t(stop), name=n) for n, t in self.tasks]
                for task in running:
                    health.add_task(task.get_name(), task)
                yield

        return lifespan

    async def _stop_consumer(self) -> None:
        await stop_within("kafka consumer", self.broker.stop(), stop_seconds())


async def _stop_tasks(stop: asyncio.Event, running: list[asyncio.Task[None]]) -> None:
    stop.set()
    await stop_within("background tasks", asyncio.gather(*running), stop_seconds())
