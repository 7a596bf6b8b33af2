"""Subscribing to the platform's CloudEvents with FastStream: decode, check the contract, handle.

Offsets are committed only after the handler succeeded (a failure seeks back and the event is
delivered again after a pause). An event that cannot be decoded, breaks its contract, or that
the handler declares `Unprocessable`, goes to the group's dead-letter topic with the reason
and its source position, and the consumer moves on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from okr_shared.cloudevents import CloudEvent, UndecodableEvent, from_kafka
from okr_shared.contracts import ContractRegistry, ContractViolation
from okr_shared.messaging import dead_letter_topic

log = logging.getLogger(__name__)

Handler = Callable[[CloudEvent, dict[str, Any]], Awaitable[None]]


class Unprocessable(Exception):
    """An event that decodes but can never be handled; it is dead-lettered with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def dead_letter(broker: KafkaBroker, message: KafkaMessage, group_id: str, reason: str,
                      topic: str | None = None) -> None:
    """Publishes the message unchanged to the group's dead-letter topic, with why and where it came from."""
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
    await broker.publish(message.body, topic=topic or dead_letter_topic(group_id), key=raw.key, headers=headers)


def subscribe(broker: KafkaBroker, topic: str, *, group_id: str, context: str, registry: ContractRegistry,
              handle: Handler, retry_backoff_seconds: float = 1.0, dead_letters: str | None = None) -> Any:
    """Adds a subscriber calling `handle(event, data)` with data upcast to the latest contract version;
    `dead_letters` names the dead-letter topic (the group's default one when None)."""

    @broker.subscriber(topic, group_id=group_id, auto_offset_reset="earliest", ack_policy=AckPolicy.NACK_ON_ERROR)
    async def on_event(message: KafkaMessage) -> None:
        headers = {k: v for k, v in (message.headers or {}).items() if isinstance(v, str)}
        try:
            event = from_kafka(headers, message.body)
            data = registry.read(context, event)
        except (UndecodableEvent, ContractViolation) as exc:
            await dead_letter(broker, message, group_id, exc.reason, dead_letters)
            return
        try:
            await handle(event, data)
        except Unprocessable as exc:
            await dead_letter(broker, message, group_id, exc.reason, dead_letters)
        except Exception:
            log.exception("could not handle %s; it will be delivered again", event.id)
            await asyncio.sleep(retry_backoff_seconds)
            raise

    return on_event
