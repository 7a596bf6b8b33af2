"""Subscribing to the platform's CloudEvents with FastStream: decode, check the contract, handle.

The body reaches the subscriber raw (FastStream never parses it) and is decoded here, so a
record whatever its content type either is handled or goes to the group's dead-letter topic.
An event that cannot be decoded, breaks its contract, or that the handler declares
`Unprocessable`, is dead-lettered at once with the reason and its source position. A handler
failure is retried a bounded number of times with doubling pauses, then dead-lettered with the
last error: no record holds its partition longer than the retries take. Offsets are committed
after the record was handled or dead-lettered; handlers must tolerate redelivery.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from faststream.message import StreamMessage

from okr_shared.cloudevents import CloudEvent, UndecodableEvent, from_kafka
from okr_shared.contracts import ContractRegistry, ContractViolation
from okr_shared.messaging import dead_letter_topic
from okr_shared.metrics import consumed, dead_lettered, watch_broker
from okr_shared.settings import KafkaSettings

log = logging.getLogger(__name__)

Handler = Callable[[CloudEvent, dict[str, Any]], Awaitable[None]]


class Unprocessable(Exception):
    """An event that decodes but can never be handled; it is dead-lettered with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AppliedPositions:
    """Per topic and partition, the offset after the last record handled or dead-lettered."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def advance(self, topic: str, partition: int, offset: int) -> None:
        """Records that the record at `offset` is done with."""
        with self._lock:
            key = (topic, partition)
            self._next[key] = max(self._next.get(key, 0), offset + 1)

    def of(self, topic: str) -> dict[int, int]:
        """The next offset to apply, by partition, for the partitions seen on `topic`."""
        with self._lock:
            return {p: n for (t, p), n in self._next.items() if t == topic}


def consumer_broker(kafka: KafkaSettings, group_id: str) -> KafkaBroker:
    """A FastStream broker for a consumer group: tracing, the cluster's security settings, and
    metadata refreshed often enough that a group assigned without a topic's partitions (the
    broker paused or restarting) rebalances soon; its consumers' lag is reported at `/metrics`."""
    broker = KafkaBroker(
        kafka.bootstrap_servers,
        middlewares=[KafkaTelemetryMiddleware()],
        client_id=group_id,
        log_level=logging.DEBUG,
        security=kafka.broker_security(),
        metadata_max_age_ms=kafka.consumer_metadata_max_age_ms,
    )
    watch_broker(broker, group_id)
    return broker


async def raw_body(message: StreamMessage[Any]) -> bytes:
    """A decoder that leaves the body as it came: the subscriber decodes it itself."""
    return message.body


async def dead_letter(
    broker: KafkaBroker,
    message: KafkaMessage,
    group_id: str,
    reason: str,
    topic: str | None = None,
    kind: str | None = None,
) -> None:
    """Publishes the message unchanged to the group's dead-letter topic, with why and where it
    came from; counted by `kind` (a reason class; derived from the reason when None)."""
    raw = message.raw_message
    log.warning("dead-lettering %s[%s]@%s: %s", raw.topic, raw.partition, raw.offset, reason)
    headers = {k: v for k, v in (message.headers or {}).items() if isinstance(v, str)}
    headers.update(
        {
            "dlq_reason": reason[:1000],
            "dlq_source_topic": raw.topic,
            "dlq_source_partition": str(raw.partition),
            "dlq_source_offset": str(raw.offset),
            "dlq_consumer_group": group_id,
        }
    )
    await broker.publish(
        message.body, topic=topic or dead_letter_topic(group_id), key=raw.key, headers=headers
    )
    dead_lettered(group_id, kind or reason)


def decode(
    context: str,
    headers: dict[str, str],
    body: bytes,
    registry: ContractRegistry,
) -> tuple[CloudEvent, dict[str, Any]]:
    """The event and its data upcast to the latest contract; raises UndecodableEvent or
    ContractViolation."""
    event = from_kafka(headers, body)
    if event.schema_context != context:
        raise UndecodableEvent(f"ce_dataschema '{event.dataschema}' is not of context '{context}'")
    return event, registry.read(context, event)


async def _handle_with_retries(
    handle: Handler, event: CloudEvent, data: dict[str, Any], attempts: int, backoff: float
) -> str | None:
    """Calls the handler until it succeeds, at most `attempts` times, pausing `backoff` seconds
    and then twice as long each time; returns why the event must be dead-lettered, or None."""
    pause = backoff
    for attempt in range(1, attempts + 1):
        try:
            await handle(event, data)
            return None
        except Unprocessable as exc:
            return exc.reason
        except Exception as exc:
            if attempt == attempts:
                log.exception("could not handle %s after %s attempts", event.id, attempt)
                return f"handler failed {attempt} times; last error: {exc!r}"
            log.warning(
                "could not handle %s (attempt %s): %r; retrying in %ss",
                event.id,
                attempt,
                exc,
                pause,
            )
            await asyncio.sleep(pause)
            pause *= 2
    return None


def subscribe(
    broker: KafkaBroker,
    topic: str,
    *,
    group_id: str,
    context: str,
    registry: ContractRegistry,
    handle: Handler,
    retry_backoff_seconds: float = 0.2,
    retry_attempts: int = 4,
    dead_letters: str | None = None,
    positions: AppliedPositions | None = None,
    fetch_max_wait_ms: int = 500,
) -> Any:
    """Adds a subscriber calling `handle(event, data)`, data upcast to the latest contract version.

    A failing handler is tried `retry_attempts` times in all, pausing `retry_backoff_seconds`
    and then twice as long each time; `dead_letters` names the dead-letter topic (the group's
    default one when None); `positions` learns each record done with. `fetch_max_wait_ms`
    bounds how long a fetch waits at the broker: while a record's handler runs longer than the
    consumer's prefetch backoff (0.1 s), its partition is left out of the next fetch, and new
    records of that partition wait until that fetch returns."""

    @broker.subscriber(
        topic,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        decoder=raw_body,
        fetch_max_wait_ms=fetch_max_wait_ms,
    )
    async def on_event(message: KafkaMessage) -> None:
        raw = message.raw_message
        consumed(group_id, raw.topic)
        await _process(message)
        if positions is not None:
            positions.advance(raw.topic, raw.partition, raw.offset)

    async def _process(message: KafkaMessage) -> None:
        headers = {k: v for k, v in (message.headers or {}).items() if isinstance(v, str)}
        try:
            event, data = decode(context, headers, message.body, registry)
        except (UndecodableEvent, ContractViolation) as exc:
            kind = "undecodable" if isinstance(exc, UndecodableEvent) else "contract-violation"
            await _dead_letter(message, exc.reason, kind)
            return
        reason = await _handle_with_retries(
            handle, event, data, retry_attempts, retry_backoff_seconds
        )
        if reason is not None:
            failed = reason.startswith("handler failed")
            await _dead_letter(message, reason, "handler-failed" if failed else "unprocessable")

    async def _dead_letter(message: KafkaMessage, reason: str, kind: str) -> None:
        try:
            await dead_letter(broker, message, group_id, reason, dead_letters, kind)
        except Exception:
            log.exception("could not dead-letter a record; it will be delivered again")
            await asyncio.sleep(retry_backoff_seconds)
            raise

    return on_event
