"""Kafka subscriber of the projections service: goal events into progress documents.

Offsets are committed only after the document is written (a failure seeks back and the
event is delivered again); an event that cannot be decoded goes to the dead-letter topic
with the reason, and the consumer moves on.
"""

from __future__ import annotations

import asyncio
import logging

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware

from okr_shared.cloudevents import UndecodableEvent, from_kafka
from okr_shared.contracts import ContractRegistry, ContractViolation
from okr_shared.messaging import GOALS_TOPIC, dead_letter_topic

from okr_projections.adapters.progress_store import ProgressStore
from okr_projections.domain.objective_progress import OutOfOrderEvent

log = logging.getLogger(__name__)
CONTEXT = "goals"


def build_broker(
    bootstrap_servers: str, store: ProgressStore, registry: ContractRegistry, group_id: str,
    retry_backoff_seconds: float = 1.0,
) -> KafkaBroker:
    """A broker whose subscriber keeps the objective-progress read model."""
    broker = KafkaBroker(
        bootstrap_servers, middlewares=[KafkaTelemetryMiddleware()], client_id=group_id, log_level=logging.DEBUG,
    )
    dlq = dead_letter_topic(group_id)

    async def dead_letter(message: KafkaMessage, reason: str) -> None:
        raw = message.raw_message
        log.warning("dead-lettering %s[%s]@%s: %s", raw.topic, raw.partition, raw.offset, reason)
        headers = {k: v for k, v in (message.headers or {}).items() if isinstance(v, str)}
        headers.update({
            "dlq_reason": reason[:1000],
            "dlq_source_topic": raw.topic,
            "dlq_source_partition": str(raw.partition),
            "dlq_source_offset": str(raw.offset),
            "dlq_consumer_group": group_id,
        })
        await broker.publish(message.body, topic=dlq, key=raw.key, headers=headers)

    @broker.subscriber(
        GOALS_TOPIC, group_id=group_id, auto_offset_reset="earliest", ack_policy=AckPolicy.NACK_ON_ERROR,
    )
    async def on_goal_event(message: KafkaMessage) -> None:
        headers = {k: v for k, v in (message.headers or {}).items() if isinstance(v, str)}
        try:
            event = from_kafka(headers, message.body)
            data = registry.read(CONTEXT, event)
        except (UndecodableEvent, ContractViolation) as exc:
            await dead_letter(message, exc.reason)
            return
        meta = {
            "tenant_id": event.tenantid, "actor_id": event.actorid, "version": event.sequence,
            "event_id": event.id, "time": event.time,
        }
        try:
            await store.apply(event.schema_name, data, meta)
        except OutOfOrderEvent as exc:
            await dead_letter(message, str(exc))
        except Exception:
            log.exception("could not project %s; it will be delivered again", event.id)
            await asyncio.sleep(retry_backoff_seconds)
            raise

    broker.on_goal_event = on_goal_event  # type: ignore[attr-defined]
    return broker
