"""The machine's own limits with the platform's components, measured first in the same run:
PostgreSQL single-row commits, the `eventsourcing` library saving a minimal aggregate, aiokafka
produce with acks=all, a document-store write by _id, and an empty FastAPI request. Each figure
is the median of 3 runs of a few seconds; scratch databases and topics are used."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import psycopg
from aiokafka import AIOKafkaProducer
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from pymongo import AsyncMongoClient

from okr_shared.messaging import ensure_topics
from okr_shared.settings import KafkaSettings
from tests.bench.load import Call, closed_loop
from tests.bench.results import Figure, median_figure
from tests.support.infra import Infra, create_databases, drop_databases, pg_conninfo
from tests.support.processes import Process, free_port, wait_healthy

RUNS = 3
SECONDS = 1.5


def scratch_database(infra: Infra) -> str:
    name = f"okr_bench_base_{uuid.uuid4().hex[:8]}"
    create_databases(infra, name)
    return name


def threaded_rate(threads: int, seconds: float, one: Callable[[int], Callable[[], None]]) -> float:
    """Operations per second of `threads` threads each calling its operation (`one(thread)`)
    for `seconds`."""
    ops = [one(t) for t in range(threads)]
    counts = [0] * threads
    ready = threading.Barrier(threads + 1)

    def run(t: int) -> None:
        ready.wait()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            ops[t]()
            counts[t] += 1

    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(run, t) for t in range(threads)]
        ready.wait()
        start = time.perf_counter()
        for f in futures:
            f.result()
        elapsed = time.perf_counter() - start
    return sum(counts) / elapsed


def pg_commits(dsn: str, connections: int) -> float:
    """Single-row INSERT + COMMIT per second on `connections` connections."""
    conns = [psycopg.connect(dsn) for _ in range(connections)]
    try:

        def one(t: int) -> Callable[[], None]:
            conn = conns[t]

            def insert() -> None:
                conn.execute("INSERT INTO bench_rows (payload) VALUES (%s)", ("x" * 64,))
                conn.commit()

            return insert

        return threaded_rate(connections, SECONDS, one)
    finally:
        for c in conns:
            c.close()


class Minimal(Aggregate):
    """A one-event aggregate: its Created event only."""


class Minimals(Application):
    """An eventsourcing application storing minimal aggregates."""


def eventsourcing_saves(env: dict[str, str], threads: int) -> float:
    """Minimal one-event aggregates saved per second from `threads` threads (library defaults,
    as the platform's stores use)."""
    app = Minimals(env=env)
    try:
        return threaded_rate(threads, SECONDS, lambda t: lambda: app.save(Minimal()))
    finally:
        app.close()


async def kafka_produce(kafka: KafkaSettings, topic: str, batch: int = 100) -> float:
    """Messages of 512 bytes per second from one producer configured as the platform's
    (acks=all, idempotent, linger 5 ms), each batch of sends awaited before the next."""
    producer = AIOKafkaProducer(
        **kafka.client_kwargs(), acks="all", enable_idempotence=True, linger_ms=5
    )
    await producer.start()
    try:
        payload = b"x" * 512
        await (await producer.send(topic, payload))
        sent, start = 0, time.perf_counter()
        while time.perf_counter() - start < SECONDS:
            futures = [await producer.send(topic, payload) for _ in range(batch)]
            await asyncio.gather(*futures)
            sent += batch
        return sent / (time.perf_counter() - start)
    finally:
        await producer.stop()


async def docstore_writes(mongo_url: str, db: str, concurrency: int) -> float:
    """Upserts by _id per second, `concurrency` at a time (one client)."""
    client: AsyncMongoClient = AsyncMongoClient(mongo_url)
    try:
        collection = client[db]["bench"]
        await collection.update_one({"_id": "warm"}, {"$set": {"v": 0}}, upsert=True)
        count, start = 0, time.perf_counter()

        async def worker(w: int) -> None:
            nonlocal count
            i = 0
            while time.perf_counter() - start < SECONDS:
                await collection.update_one(
                    {"_id": f"{w}-{i % 1000}"}, {"$set": {"v": i, "w": w}}, upsert=True
                )
                i += 1
                count += 1

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        return count / (time.perf_counter() - start)
    finally:
        await client.drop_database(db)
        await client.close()


def empty_fastapi(clients: int = 16) -> list[float]:
    """`GET /ping` per second from `clients` concurrent httpx clients against an empty FastAPI
    app served by uvicorn on loopback, in its own process like the services."""
    port = free_port()
    server = Process(
        "bench-ping",
        ["uvicorn", "tests.bench.ping:app", "--host", "127.0.0.1", "--port", str(port)],
        {},
    )
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(f"{url}/ping", server)
        runs = []
        for _ in range(RUNS):
            rate, failed = asyncio.run(
                closed_loop(url, lambda i: Call("GET", "/ping"), clients, SECONDS)
            )
            if failed:
                raise RuntimeError(f"{failed} pings failed")
            runs.append(rate)
        return runs
    finally:
        server.stop()


def measure(infra: Infra, kafka: KafkaSettings) -> list[Figure]:
    """Every baseline, each the median of RUNS runs."""
    db = scratch_database(infra)
    dsn = pg_conninfo(infra, db)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_rows (id bigserial PRIMARY KEY, payload text NOT NULL)")
    es_env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": infra.pg_host,
        "POSTGRES_PORT": str(infra.pg_port),
        "POSTGRES_USER": infra.pg_user,
        "POSTGRES_PASSWORD": infra.pg_password,
        "POSTGRES_DBNAME": db,
    }
    topic = kafka.topic(f"bench.baseline.{uuid.uuid4().hex[:8]}")
    asyncio.run(ensure_topics(kafka, [topic]))
    mongo_db = f"okr_bench_base_{uuid.uuid4().hex[:8]}"

    def runs(fn: Callable[[], float]) -> list[float]:
        return [fn() for _ in range(RUNS)]

    try:
        figures = [
            median_figure(
                f"baseline.pg_commit.{n}",
                f"PostgreSQL single-row insert+commit, {n} connection{'s' * (n > 1)}",
                "commits/s",
                runs(lambda n=n: pg_commits(dsn, n)),
            )
            for n in (1, 16)
        ]
        figures += [
            median_figure(
                f"baseline.es_save.{n}",
                f"eventsourcing minimal save, {n} thread{'s' * (n > 1)}",
                "saves/s",
                runs(lambda n=n: eventsourcing_saves(es_env, n)),
            )
            for n in (1, 16)
        ]
        figures.append(
            median_figure(
                "baseline.kafka_produce",
                "aiokafka produce, acks=all, batches of 100 awaited",
                "messages/s",
                runs(lambda: asyncio.run(kafka_produce(kafka, topic))),
            )
        )
        figures += [
            median_figure(
                f"baseline.docstore_write.{n}",
                f"document-store upsert by _id, {'sequential' if n == 1 else f'{n} concurrent'}",
                "writes/s",
                runs(lambda n=n: asyncio.run(docstore_writes(infra.mongo_url, mongo_db, n))),
            )
            for n in (1, 16)
        ]
        figures.append(
            median_figure(
                "baseline.http_empty",
                "empty FastAPI GET /ping, 16 concurrent clients",
                "requests/s",
                empty_fastapi(16),
            )
        )
        return figures
    finally:
        drop_databases(infra, db)
