"""What a write service runs beside its HTTP API, started and stopped in one lifespan: the
consumer of other services' topics, the outbox relay to its own topic and any further background
tasks, with their readiness checks.

Start: the event-store probe, then the consumer (`start_consuming` creates the topics and starts
the broker), then the relay (its topic created, its publisher started), then the other tasks.
Stop, each step bounded by `stop_seconds()`: the tasks and the relay loop, the relay's
publisher, the consumer, and last what the service closes (its knowledge table). A start that
fails part way stops, in the same order, what had started before it.

The pieces every write service builds alike live here too: its outbox relay (`outbox_relay`),
the freshness of its knowledge (`knowledge_freshness`) and the start of its consumer
(`start_consuming`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import FastAPI

from okr_shared.consumer import AppliedPositions
from okr_shared.freshness import KafkaKnowledgeFreshness
from okr_shared.health import (
    consumer_check,
    event_store_probe,
    kafka_check,
    stop_seconds,
    stop_within,
)
from okr_shared.messaging import CloudEventPublisher, dead_letter_topic, ensure_topics
from okr_shared.outbox import OutboxRelay, PublishedForm, leader_lock
from okr_shared.personal.publisher import opening_publisher
from okr_shared.settings import KafkaSettings

Task = Callable[[asyncio.Event], Awaitable[None]]
"""A background loop that runs until the event is set."""


class RelaySettings(Protocol):
    """What a write service's settings say about its event store and relay."""

    kafka: KafkaSettings
    event_store: dict[str, str]
    relay_poll_seconds: float


class ConsumerSettings(Protocol):
    """What a consuming service's settings say about its consumer."""

    kafka: KafkaSettings
    consumer_group: str


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
    new_chainer: Callable[[], Any] | None = None
    """The audit chainer (`okr_shared.audit.chainer.Chainer`), run beside the relay."""

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
                if relay and self.new_chainer is not None:
                    running.append(await start_chainer(self.new_chainer(), stop, started))
                started.push_async_callback(_stop_tasks, stop, running)
                if tasks:
                    running += [asyncio.create_task(t(stop), name=n) for n, t in self.tasks]
                for task in running:
                    health.add_task(task.get_name(), task)
                yield

        return lifespan

    async def _stop_consumer(self) -> None:
        await stop_within("kafka consumer", self.broker.stop(), stop_seconds())


async def start_chainer(
    chainer: Any, stop: asyncio.Event, started: contextlib.AsyncExitStack
) -> asyncio.Task[None]:
    """Starts the chainer's checkpoint publisher (stopped by `started`) and its loop."""
    if chainer.publisher is not None:
        await chainer.publisher.start()
        started.push_async_callback(chainer.publisher.stop)
    return asyncio.create_task(chainer.run(stop), name="audit-chainer")


async def _stop_tasks(stop: asyncio.Event, running: list[asyncio.Task[None]]) -> None:
    stop.set()
    await stop_within("background tasks", asyncio.gather(*running), stop_seconds())


def outbox_relay(
    store: Any,
    settings: RelaySettings,
    context: str,
    topic: str,
    published_form: PublishedForm,
    name: str,
    batch_size: int = 500,
) -> OutboxRelay:
    """A relay over a service's event store (`context` prefixes its store settings: "GOALS") to
    its own `topic` (namespaced here); one replica relays at a time, under the leader lock named
    after the relay, which also names its dead-letter topic. It publishes personal values opened
    with the store's `personal` data keys (`okr_shared.personal`)."""
    kafka = settings.kafka
    return OutboxRelay(
        app=store,
        tracking=store.factory.tracking_recorder(),
        publisher=opening_publisher(CloudEventPublisher(kafka, client_id=name), store),
        lock=leader_lock(settings.event_store, context, name),
        published_form=published_form,
        topic=kafka.topic(topic),
        dead_letters=kafka.topic(dead_letter_topic(name)),
        ensure_topics=lambda topics: ensure_topics(kafka, topics),
        name=name,
        batch_size=batch_size,
        poll_interval=settings.relay_poll_seconds,
    )


def knowledge_freshness(
    settings: ConsumerSettings, consumed: Sequence[str], positions: AppliedPositions
) -> KafkaKnowledgeFreshness:
    """How far the service's consumer group has come on the `consumed` topics (namespaced here),
    compared with what it has applied (`positions`)."""
    kafka = settings.kafka
    topics = [kafka.topic(t) for t in consumed]
    return KafkaKnowledgeFreshness(
        kafka.client_kwargs(), topics, settings.consumer_group, positions
    )


async def start_consuming(
    settings: ConsumerSettings,
    consumed: Sequence[str],
    own: str,
    freshness: KafkaKnowledgeFreshness,
    broker: Any,
) -> None:
    """Creates the topics if missing (the `consumed` ones, the service's `own` and its group's
    dead letters, namespaced here), makes refusals from then on check that the knowledge has
    caught up with the topics, and starts the broker."""
    kafka = settings.kafka
    topics = [*consumed, own, dead_letter_topic(settings.consumer_group)]
    await ensure_topics(kafka, [kafka.topic(t) for t in topics])
    freshness.watch()
    await broker.start()
