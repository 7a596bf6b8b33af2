"""Kafka subscribers of the projections service: goal, check-in, review and incentive events into
the read models.

Offsets are committed only after the documents are written; a failed write is retried a few
times with doubling pauses. An event that cannot be decoded (whatever its content type), that
no read model can take, or whose writes keep failing, goes to the dead-letter topic with the
reason, and the consumer moves on. Check-in and review events no read model needs (cadences,
conversations, feedback, scoring rules) are skipped. Writes are version-guarded, so redelivery
is harmless.
"""

from __future__ import annotations

import asyncio
from typing import Any

from faststream.kafka import KafkaBroker

from okr_projections.documents import UnprojectableEvent
from okr_projections.projector import Following, Projector
from okr_shared.cloudevents import CloudEvent
from okr_shared.consumer import Unprocessable, consumer_broker, subscribe
from okr_shared.contracts import ContractRegistry
from okr_shared.messaging import (
    CHECKINS_TOPIC,
    GOALS_TOPIC,
    INCENTIVES_TOPIC,
    REVIEWS_TOPIC,
    dead_letter_topic,
)
from okr_shared.settings import KafkaSettings

FETCH_MAX_WAIT_MS = 50
"""A record arriving while another of its partition is projected waits at most this long (the
client's default, 500 ms, made check-ins of a busy key result wait half a second)."""


def projection_meta(event: CloudEvent) -> dict[str, Any]:
    """What the read models record of an event beside its data."""
    return {
        "tenant_id": event.tenantid,
        "actor_id": event.actorid,
        "version": event.sequence,
        "event_id": event.id,
        "time": event.time,
    }


def build_broker(
    kafka: KafkaSettings,
    projector: Projector | Following,
    registry: ContractRegistry,
    group_id: str,
    retry_backoff_seconds: float = 0.2,
    retry_attempts: int = 4,
) -> KafkaBroker:
    """A broker whose subscribers (goals, check-ins, reviews, incentives; one group, one
    dead-letter topic)
    keep the projector's models."""
    broker = consumer_broker(kafka, group_id)

    one_at_a_time = asyncio.Lock()

    async def project(event: CloudEvent, data: dict[str, Any]) -> None:
        """Projects one event; the subscribers take turns, so this process never races itself."""
        meta = projection_meta(event)
        async with one_at_a_time:
            try:
                await projector.project(event.schema_name, data, meta)
            except UnprojectableEvent as exc:
                raise Unprocessable(str(exc)) from exc

    dead_letters = kafka.topic(dead_letter_topic(group_id))
    for topic, context in (
        (GOALS_TOPIC, "goals"),
        (CHECKINS_TOPIC, "checkins"),
        (REVIEWS_TOPIC, "reviews"),
        (INCENTIVES_TOPIC, "incentives"),
    ):
        subscribe(
            broker,
            kafka.topic(topic),
            group_id=group_id,
            context=context,
            registry=registry,
            handle=project,
            retry_backoff_seconds=retry_backoff_seconds,
            retry_attempts=retry_attempts,
            dead_letters=dead_letters,
            fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
        )
    return broker
