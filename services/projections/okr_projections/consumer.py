"""Kafka subscribers of the projections service: goal, check-in, review and incentive events into
the read models.

Records come in batches (up to `max_records`, as many as are waiting): the batch's events are
folded in memory (`okr_projections.batch`: each document read once per batch) and written with
one bulk write per collection, and the offsets are committed only after that write. A failed
fold is retried a few times with doubling pauses; a flush that fails or finds a document changed
by another writer gives the batch up and folds its events again one at a time. An event that
cannot be decoded (whatever its content type), that no read model can take, or whose folds keep
failing, goes to the dead-letter topic with the reason, and the rest of the batch flows on.
Check-in and review events no read model needs (cadences, conversations, feedback, scoring
rules) are skipped. Writes are version-guarded, so redelivery is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiokafka.structs import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind

from okr_projections.batch import StaleBatch, batch, current
from okr_projections.documents import UnprojectableEvent
from okr_projections.projector import Following, Projector
from okr_projections.store import WritePolicy
from okr_shared.cloudevents import CloudEvent, UndecodableEvent
from okr_shared.consumer import consumer_broker, decode, raw_body
from okr_shared.contracts import ContractRegistry, ContractViolation
from okr_shared.messaging import (
    CHECKINS_TOPIC,
    GOALS_TOPIC,
    INCENTIVES_TOPIC,
    REVIEWS_TOPIC,
    dead_letter_topic,
)
from okr_shared.metrics import consumed, dead_lettered, projected
from okr_shared.settings import KafkaSettings

log = logging.getLogger(__name__)
_TRACER = trace.get_tracer(__name__)

MAX_RECORDS = 500
"""The most records of one topic folded in one batch."""
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


def _headers(record: ConsumerRecord) -> dict[str, str]:
    return {
        k: v.decode() if isinstance(v, bytes) else v
        for k, v in (record.headers or ())
        if isinstance(v, bytes | str)
    }


class BatchConsumer:
    """Folds the records of one batch of a topic, dead-letters those it cannot, then writes."""

    def __init__(
        self,
        broker: KafkaBroker,
        projector: Projector | Following,
        registry: ContractRegistry,
        group_id: str,
        dead_letters: str,
        policy: WritePolicy | None = None,
        retry_backoff_seconds: float = 0.2,
        retry_attempts: int = 4,
    ) -> None:
        self.broker = broker
        self.projector = projector
        self.registry = registry
        self.group_id = group_id
        self.dead_letters = dead_letters
        self.policy = policy
        self.backoff = retry_backoff_seconds
        self.attempts = retry_attempts
        self.one_at_a_time = asyncio.Lock()

    async def consume(self, context: str, records: Sequence[ConsumerRecord]) -> None:
        """Projects the batch; the subscribers take turns, so this process never races itself."""
        async with self.one_at_a_time:
            decoded = []
            for record in records:
                consumed(self.group_id, record.topic)
                try:
                    event, data = decode(
                        context, _headers(record), record.value or b"", self.registry
                    )
                except (UndecodableEvent, ContractViolation) as exc:
                    undecodable = isinstance(exc, UndecodableEvent)
                    kind = "undecodable" if undecodable else "contract-violation"
                    await self.dead_letter(record, exc.reason, kind)
                    continue
                decoded.append((record, event, data))
            try:
                async with batch(self.policy) as opened:
                    kept = await self._fold(decoded)
                    await opened.flush()
                _written(kept)
                return
            except Exception:
                log.exception("could not write a batch of %s; folding one at a time", len(decoded))
            _written(await self._fold(decoded))

    async def _fold(
        self, decoded: list[tuple[ConsumerRecord, CloudEvent, dict[str, Any]]]
    ) -> list[tuple[ConsumerRecord, CloudEvent, dict[str, Any]]]:
        """Folds each event (retrying, dead-lettering what keeps failing); those not
        dead-lettered."""
        kept = []
        for record, event, data in decoded:
            with _TRACER.start_as_current_span(
                f"{record.topic} process",
                context=propagate.extract(_headers(record)),
                kind=SpanKind.CONSUMER,
                attributes={"messaging.message.id": event.id, "okr.event.type": event.type},
            ):
                reason = await self._with_retries(event, data)
            if reason is None:
                kept.append((record, event, data))
            else:
                failed = reason.startswith("handler failed")
                await self.dead_letter(record, reason, "handler-failed" if failed else None)
        return kept

    async def _with_retries(self, event: CloudEvent, data: dict[str, Any]) -> str | None:
        """Folds the event, at most `attempts` times with doubling pauses; why it must be
        dead-lettered, or None. A batch gone stale is given up whole (StaleBatch is raised); an
        event found unprojectable is tried once more with the store asked for what the known ids
        said was absent."""
        pause, attempt, distrusted = self.backoff, 0, False
        while attempt < self.attempts:
            attempt += 1
            try:
                await self.projector.project(event.schema_name, data, projection_meta(event))
                return None
            except UnprojectableEvent as exc:
                opened = current()
                if opened is None or not opened.known_ids or distrusted:
                    return str(exc)
                opened.distrust()
                distrusted, attempt = True, attempt - 1
                continue
            except StaleBatch:
                raise
            except Exception as exc:
                if attempt == self.attempts:
                    log.exception("could not project %s after %s attempts", event.id, attempt)
                    return f"handler failed {attempt} times; last error: {exc!r}"
                log.warning("could not project %s (attempt %s): %r", event.id, attempt, exc)
                await asyncio.sleep(pause)
                pause *= 2
        return None

    async def dead_letter(
        self, record: ConsumerRecord, reason: str, kind: str | None = None
    ) -> None:
        """Publishes the record unchanged to the dead-letter topic, with why and where it came
        from; if that fails the batch fails, to be delivered again. Counted by `kind` (a reason
        class; `unprocessable` when None)."""
        log.warning(
            "dead-lettering %s[%s]@%s: %s", record.topic, record.partition, record.offset, reason
        )
        headers = {
            **_headers(record),
            "dlq_reason": reason[:1000],
            "dlq_source_topic": record.topic,
            "dlq_source_partition": str(record.partition),
            "dlq_source_offset": str(record.offset),
            "dlq_consumer_group": self.group_id,
        }
        await self.broker.publish(
            record.value or b"", topic=self.dead_letters, key=record.key, headers=headers
        )
        dead_lettered(self.group_id, kind or "unprocessable")


def _written(folded: list[tuple[ConsumerRecord, CloudEvent, dict[str, Any]]]) -> None:
    """Observes the projection lag of the events whose read-model writes are done."""
    for record, event, _ in folded:
        projected(record.topic, event.time)


def build_broker(
    kafka: KafkaSettings,
    projector: Projector | Following,
    registry: ContractRegistry,
    group_id: str,
    retry_backoff_seconds: float = 0.2,
    retry_attempts: int = 4,
    policy: WritePolicy | None = None,
    max_records: int = MAX_RECORDS,
) -> KafkaBroker:
    """A broker whose batch subscribers (goals, check-ins, reviews, incentives; one group, one
    dead-letter topic) keep the projector's models."""
    broker = consumer_broker(kafka, group_id)
    consumer = BatchConsumer(
        broker,
        projector,
        registry,
        group_id,
        kafka.topic(dead_letter_topic(group_id)),
        policy,
        retry_backoff_seconds,
        retry_attempts,
    )
    for topic, context in (
        (GOALS_TOPIC, "goals"),
        (CHECKINS_TOPIC, "checkins"),
        (REVIEWS_TOPIC, "reviews"),
        (INCENTIVES_TOPIC, "incentives"),
    ):
        _subscribe(broker, kafka.topic(topic), group_id, context, consumer, max_records)
    return broker


def _subscribe(
    broker: KafkaBroker,
    topic: str,
    group_id: str,
    context: str,
    consumer: BatchConsumer,
    max_records: int,
) -> None:
    @broker.subscriber(
        topic,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=raw_body,
        batch=True,
        max_records=max_records,
        fetch_max_wait_ms=FETCH_MAX_WAIT_MS,
    )
    async def on_batch(message: KafkaMessage) -> None:
        raw = message.raw_message
        await consumer.consume(context, raw if isinstance(raw, tuple | list) else (raw,))
