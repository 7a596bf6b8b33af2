"""aiokafka against the project's Kafka 4 broker: produce, consume in a group, commit, resume."""

import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from okr_shared.messaging import ensure_topics
from okr_shared.settings import KafkaSettings


async def consume(infra, topic, group, n):
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka_bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        got = []
        while len(got) < n:
            batch = await consumer.getmany(timeout_ms=10_000, max_records=n - len(got))
            if not batch:
                break
            for records in batch.values():
                got.extend(r.value for r in records)
        await consumer.commit()
        return got
    finally:
        await consumer.stop()


async def test_group_consumer_resumes_after_its_committed_offset(infra):
    topic, group = f"test.kafka.{uuid.uuid4().hex[:8]}", f"g-{uuid.uuid4().hex[:8]}"
    await ensure_topics(
        KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_partitions=1), [topic]
    )
    producer = AIOKafkaProducer(
        bootstrap_servers=infra.kafka_bootstrap, enable_idempotence=True, acks="all"
    )
    await producer.start()
    try:
        for i in range(5):
            await producer.send_and_wait(topic, f"m{i}".encode(), key=b"k")
        assert await consume(infra, topic, group, 3) == [b"m0", b"m1", b"m2"]
        assert await consume(infra, topic, group, 2) == [b"m3", b"m4"]
        await producer.send_and_wait(topic, b"m5", key=b"k")
        assert await consume(infra, topic, group, 1) == [b"m5"]
    finally:
        await producer.stop()
