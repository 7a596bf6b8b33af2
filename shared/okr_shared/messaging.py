"""Kafka plumbing shared by the services: topic setup, CloudEvent publishing, dead letters."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from opentelemetry import propagate, trace

from okr_shared.cloudevents import CloudEvent, to_kafka
from okr_shared.health import stop_within
from okr_shared.settings import HealthSettings, KafkaSettings
from okr_shared.telemetry import context_from_traceparent

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("okr_shared.messaging")

GOALS_TOPIC = "okr.goals.v1"
CHECKINS_TOPIC = "okr.checkins.v1"
REVIEWS_TOPIC = "okr.reviews.v1"
INCENTIVES_TOPIC = "okr.incentives.v1"
AUDIT_TOPIC = "okr.audit.v1"
NO_ERROR = 0
TOPIC_ALREADY_EXISTS = 36


def dead_letter_topic(consumer_group: str) -> str:
    """The dead-letter topic of a consumer group."""
    return f"okr.deadletter.{consumer_group}.v1"


class TopicSetupError(RuntimeError):
    """The topics a service needs could not be created, or do not exist."""


async def ensure_topics(settings: KafkaSettings, topics: Iterable[str]) -> None:
    """Creates the missing topics with the configured partitions, replication and configs; with
    `OKR_KAFKA_CREATE_TOPICS=false` or `OKR_PROVISIONING=external` only checks that they exist.
    Raises TopicSetupError."""
    names = list(dict.fromkeys(topics))
    admin = kafka_admin(settings)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in names if t not in existing]
        if not missing:
            return
        if not settings.creates_topics:
            raise TopicSetupError(
                f"Kafka topics missing: {', '.join(missing)}; with OKR_PROVISIONING=external"
                " (or OKR_KAFKA_CREATE_TOPICS=false) the operator provisions them before the"
                " service starts: python -m okr_shared.provision topics"
            )
        failures = await create_topics(admin, settings, missing)
        if failures:
            raise TopicSetupError(
                f"could not create Kafka topics (partitions={settings.topic_partitions}, "
                f"OKR_KAFKA_REPLICATION={settings.replication_factor}): " + "; ".join(failures)
            )
        log.info("created Kafka topics %s with %s", missing, settings.topic_configs())
    finally:
        await admin.close()


def kafka_admin(settings: KafkaSettings) -> AIOKafkaAdminClient:
    """An admin client (not started) with the settings' connection and security."""
    return AIOKafkaAdminClient(
        **settings.client_kwargs(), client_id=f"{settings.client_id_prefix}-admin"
    )


async def create_topics(
    admin: AIOKafkaAdminClient, settings: KafkaSettings, names: Sequence[str]
) -> list[str]:
    """Creates the topics `names` with the settings' partitions, replication factor and configs;
    one line per topic that failed (one that exists already is no failure)."""
    response = await admin.create_topics(
        [
            NewTopic(
                name=t,
                num_partitions=settings.topic_partitions,
                replication_factor=settings.replication_factor,
                topic_configs=settings.topic_configs(),
            )
            for t in names
        ]
    )
    return [
        f"{error[0]}: error {error[1]} {error[2] if len(error) > 2 else ''}".rstrip()
        for error in response.topic_errors
        if error[1] not in (NO_ERROR, TOPIC_ALREADY_EXISTS)
    ]


class CloudEventPublisher:
    """Publishes CloudEvents durably: idempotent producer, acks from all in-sync replicas."""

    def __init__(
        self, settings: KafkaSettings, client_id: str, stop_timeout_seconds: float | None = None
    ) -> None:
        self._producer = AIOKafkaProducer(
            **settings.client_kwargs(),
            client_id=f"{settings.client_id_prefix}-{client_id}",
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
        )
        self._stop_timeout = (
            stop_timeout_seconds
            if stop_timeout_seconds is not None
            else HealthSettings().stop_timeout_seconds
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        """Flushes and closes the producer, giving up after the stop timeout."""
        await stop_within("kafka producer", self._producer.stop(), self._stop_timeout)

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
                futures.append(
                    await self._producer.send(topic, value=value, key=key, headers=headers)
                )
        if futures:
            await asyncio.gather(*futures)

    async def send_raw(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        """Sends one record as it is and waits for its acknowledgement."""
        await self._producer.send_and_wait(topic, value=value, key=key, headers=headers)
