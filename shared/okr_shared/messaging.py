"""Kafka plumbing shared by the services: topic setup, CloudEvent publishing, dead letters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from opentelemetry import propagate, trace

from okr_shared.cloudevents import CloudEvent, to_kafka
from okr_shared.settings import KafkaSettings
from okr_shared.telemetry import context_from_traceparent

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("okr_shared.messaging")

GOALS_TOPIC = "okr.goals.v1"
CHECKINS_TOPIC = "okr.checkins.v1"


def dead_letter_topic(consumer_group: str) -> str:
    """The dead-letter topic of a consumer group."""
    return f"okr.deadletter.{consumer_group}.v1"


async def ensure_topics(settings: KafkaSettings, topics: Iterable[str]) -> None:
    """Creates the topics that do not exist yet (idempotent)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name=t, num_partitions=settings.topic_partitions, replication_factor=settings.replication_factor)
            for t in topics
            if t not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


class CloudEventPublisher:
    """Publishes CloudEvents durably: idempotent producer, acks from all in-sync replicas."""

    def __init__(self, settings: KafkaSettings, client_id: str) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=settings.bootstrap_servers,
            client_id=f"{settings.client_id_prefix}-{client_id}",
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def publish(self, topic: str, events: Sequence[CloudEvent]) -> None:
        """Sends the events in order and returns once Kafka has acknowledged every one."""
        futures = []
        for event in events:
            with _tracer.start_as_current_span(
                f"{topic} publish",
                context=context_from_traceparent(event.traceparent),
                kind=trace.SpanKind.PRODUCER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": topic,
                    "messaging.message.id": event.id,
                    "cloudevents.event_type": event.type,
                },
            ):
                key, value, headers = to_kafka(event)
                carrier: dict[str, str] = {}
                propagate.inject(carrier)
                headers = [(k, v) for k, v in headers if k != "traceparent"]
                headers += [(k, v.encode()) for k, v in carrier.items()]
                futures.append(await self._producer.send(topic, value=value, key=key, headers=headers))
        if futures:
            await asyncio.gather(*futures)

    async def send_raw(self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> None:
        """Sends one record as it is and waits for its acknowledgement."""
        await self._producer.send_and_wait(topic, value=value, key=key, headers=headers)
