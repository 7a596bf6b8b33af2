"""Kafka subscriber of the check-in service: its own knowledge of goals, from `okr.goals.v1`.

Undecodable events, and events whose writes keep failing after a few retries, go to the
group's dead-letter topic; the knowledge store ignores versions it has already seen, so
redelivery is harmless. `positions` learns how far the topic has been applied.
"""

from __future__ import annotations

import asyncio
from typing import Any

from faststream.kafka import KafkaBroker

from okr_checkins.knowledge.store import KnowledgeStore, apply_goal_event
from okr_shared.cloudevents import CloudEvent
from okr_shared.consumer import AppliedPositions, consumer_broker, subscribe
from okr_shared.contracts import ContractRegistry
from okr_shared.messaging import GOALS_TOPIC, dead_letter_topic
from okr_shared.personal import PersonalData, erase_on
from okr_shared.settings import KafkaSettings


def build_broker(
    kafka: KafkaSettings,
    knowledge: KnowledgeStore,
    registry: ContractRegistry,
    group_id: str,
    positions: AppliedPositions | None = None,
    retry_backoff_seconds: float = 0.2,
    retry_attempts: int = 4,
    personal: PersonalData | None = None,
) -> KafkaBroker:
    """A broker whose subscriber folds goal events into the knowledge store; an erasure also
    deletes the person's key from `personal` (the service's sealed texts of them)."""
    broker = consumer_broker(kafka, group_id)

    async def learn(event: CloudEvent, data: dict[str, Any]) -> None:
        await asyncio.to_thread(erase_on, personal, event.schema_name, event.tenantid, data)
        await asyncio.to_thread(
            apply_goal_event, knowledge, event.tenantid, event.schema_name, data, event.sequence
        )

    subscribe(
        broker,
        kafka.topic(GOALS_TOPIC),
        group_id=group_id,
        context="goals",
        registry=registry,
        handle=learn,
        dead_letters=kafka.topic(dead_letter_topic(group_id)),
        positions=positions,
        retry_backoff_seconds=retry_backoff_seconds,
        retry_attempts=retry_attempts,
    )
    return broker
