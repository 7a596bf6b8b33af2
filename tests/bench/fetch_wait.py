"""Why a check-in waited half a second for the projections: a record that arrives while the
previous record of its partition is still being handled (longer than aiokafka's prefetch backoff,
0.1 s) is fetched only when the fetch in flight for the other partitions returns, after up to
`fetch_max_wait_ms`. `python -m tests.bench.fetch_wait` prints the delivery delay for both
waits and two handler durations, on the local Kafka."""

import asyncio
import os
import statistics
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

BOOT = os.environ.get("OKR_KAFKA_BOOTSTRAP", "127.0.0.1:9092")


async def run(wait_ms, handler_s, n=15):
    topic = f"fetchwait-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=BOOT)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 3, 1)])
    await admin.close()
    prod = AIOKafkaProducer(bootstrap_servers=BOOT, acks="all", linger_ms=0)
    await prod.start()
    cons = AIOKafkaConsumer(
        topic,
        bootstrap_servers=BOOT,
        group_id=f"g-{topic}",
        auto_offset_reset="earliest",
        fetch_max_wait_ms=wait_ms,
        enable_auto_commit=False,
    )
    await cons.start()
    await prod.send_and_wait(topic, b"warm", key=b"k")
    await cons.getone()
    delays = []
    for _ in range(n):
        sent = time.perf_counter()
        await prod.send_and_wait(topic, b"x", key=b"k")
        await cons.getone()
        delays.append((time.perf_counter() - sent) * 1000)
        await asyncio.sleep(handler_s)  # the handler projecting the record
        await asyncio.sleep(0.02)  # the next check-in 20 ms later (as the bench)
    await cons.stop()
    await prod.stop()
    return statistics.median(delays), max(delays)


async def main():
    for wait in (500, 50):
        for h in (0.03, 0.15):
            med, mx = await run(wait, h)
            print(
                f"fetch_max_wait_ms={wait:3d} handler={h * 1000:.0f} ms: "
                f"delivery median {med:.0f} ms, max {mx:.0f} ms"
            )


if __name__ == "__main__":
    asyncio.run(main())
