"""Raw Kafka records for tests on the real broker: goal events, poison, reading a topic back."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import ConsumerRecord

from okr_shared.cloudevents import CloudEvent, schema_urn, to_kafka

Record = tuple[bytes, bytes, list[tuple[str, bytes]]]


def goal_record(
    name: str, subject: str, data: dict[str, Any], tenant: str, sequence: int = 1, version: int = 1
) -> Record:
    """Key, value and headers of a goal event as the goal service's relay publishes it."""
    event = CloudEvent(
        id=str(uuid.uuid4()),
        source="/okr/goals",
        type=f"okr.goals.{name}",
        subject=subject,
        time=datetime.now(UTC),
        dataschema=schema_urn("goals", name, version),
        data=data,
        tenantid=tenant,
        actorid="ceo",
        correlationid="c",
        causationid="c",
        sequence=sequence,
    )
    return to_kafka(event)


def cycle_planned(cycle_id: str, tenant: str) -> Record:
    data = {
        "cycle_id": cycle_id,
        "name": "Q1",
        "cadence": "quarterly",
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
    }
    return goal_record("CyclePlanned", cycle_id, data, tenant)


def poisoned(record: Record, body: bytes = b"\x00not json") -> Record:
    """The same record, every header intact (content-type application/json), its body not JSON."""
    key, _, headers = record
    return key, body, headers


async def produce(bootstrap: str, topic: str, *records: Record) -> None:
    """Sends the records in order and waits until Kafka acknowledged each."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all")
    await producer.start()
    try:
        for key, value, headers in records:
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


async def records_on(bootstrap: str, topic: str, seconds: float = 30.0) -> list[ConsumerRecord]:
    """Every record the topic holds now, from its start to its current end."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        deadline = asyncio.get_running_loop().time() + seconds
        seen: list[ConsumerRecord] = []
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"could not read {topic} to its end within {seconds}s")
            batch = await consumer.getmany(*partitions, timeout_ms=500)
            seen += [r for rs in batch.values() for r in rs]
        return seen
    finally:
        await consumer.stop()
