"""Projection figures for `make bench` (issue 14): catch-up throughput of the projections consumer,
read-model rebuild throughput, and dashboard/list query latencies at scale.

Self-contained functions another harness calls (never tests: no figure here is asserted):
`catch_up_rate(...)`, `rebuild_rate(...)` and `query_latencies(...)`, each returning a dict of
figures. They use the real Kafka and document store (`tests.support.infra.local_processes()`) and
a goal event store in a SQLite file of their own; every database and topic namespace is fresh
and dropped afterwards. `python -m tests.bench.projections` prints all three.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from okr_cli.rebuild import Options, Rebuild
from okr_cli.sources import Source
from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.objectives.commands import Change, CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.settings import GoalsSettings
from okr_projections.bootstrap import bootstrap as projections_bootstrap
from okr_projections.settings import ProjectionsSettings
from okr_shared.cloudevents import to_kafka
from okr_shared.identity import Principal
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.support.goals import goal_features
from tests.support.infra import local_processes
from tests.support.org import CYCLE, caller, seed

TENANT = "bench"
ADMIN = caller("ceo", admin=True, tenant=TENANT)


def sqlite_env(path: Path) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}


def goal_log(env: dict[str, str], objectives: int, revisions: int = 2) -> int:
    """Fills a goal event store: the seeded directory and cycles, `objectives` objectives (one in
    fifty a root, the others aligned to a root, so rollups move) each revised `revisions` times;
    how many notifications it holds."""
    app = goal_features(env=env)
    seed(app, TENANT)
    roots: list[str] = []
    for i in range(objectives):
        aligned = ((roots[i % len(roots)], 1.0),) if roots and i % 50 else ()
        created = app.objectives.create_objective(
            CreateObjective(
                f"Objective {i}",
                "team",
                "org_unit",
                "web",
                CYCLE,
                key_results=(NewKeyResult("KR", "increase_to", start=0.0, target=1.0),),
                aligned_to=aligned,
            ),
            ADMIN,
        )
        oid = str(created.objective.id)
        if not aligned:
            roots.append(oid)
        for v in range(1, revisions + 1):
            app.objectives.revise_objective(
                ReviseObjective(Change(oid, v, "bench"), {"description": f"revision {v}"}), ADMIN
            )
    return app.store.recorder.max_notification_id() or 0


@contextlib.contextmanager
def goal_source_env(objectives: int, revisions: int) -> Iterator[tuple[dict[str, str], int]]:
    with tempfile.TemporaryDirectory() as tmp:
        env = sqlite_env(Path(tmp) / "goals.sqlite")
        yield env, goal_log(env, objectives, revisions)


def open_source(env: dict[str, str], kafka: KafkaSettings) -> Source:
    container = goals_bootstrap(GoalsSettings(kafka=kafka, event_store=env))
    return Source("goals", container.new_relay(), container)


async def _rebuild_once(mongo_url: str, source: Source, batch: int) -> dict[str, Any]:
    client: AsyncMongoClient = AsyncMongoClient(mongo_url, tz_aware=True)
    base = f"okr_bench_{uuid.uuid4().hex[:8]}"
    try:
        options = Options(switch=False, accept_differences=True, checkpoint_every=batch)
        outcome = await Rebuild(client, base, [source], options).run()
        await client.drop_database(outcome["database"])
        await client.drop_database(base)
        return outcome
    finally:
        await client.close()


def rebuild_rate(
    objectives: int = 1000,
    revisions: int = 2,
    runs: int = 3,
    batch: int = 500,
    mongo_url: str | None = None,
) -> dict[str, Any]:
    """`okr projections rebuild` of a goal event store (SQLite file) of `objectives` objectives
    into a fresh database, `runs` times; the median and every run's events per second."""
    infra = local_processes()
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap)

    async def measure(env: dict[str, str]) -> list[dict[str, Any]]:
        source = open_source(env, kafka)
        try:
            return [
                await _rebuild_once(mongo_url or infra.mongo_url, source, batch)
                for _ in range(runs)
            ]
        finally:
            await source.close()

    with goal_source_env(objectives, revisions) as (env, notifications):
        outcomes = asyncio.run(measure(env))
    rates = [o["events_per_second"] for o in outcomes]
    return {
        "notifications": notifications,
        "events": outcomes[0]["events"],
        "documents": outcomes[0]["documents"],
        "events_per_second": statistics.median(rates),
        "runs": rates,
        "unprojectable": len(outcomes[0]["unprojectable"]),
    }


async def _publish(kafka: KafkaSettings, env: dict[str, str]) -> int:
    """Publishes the goal log to the namespaced goal topic, as the relay does (acks=all)."""
    topic = kafka.topic(GOALS_TOPIC)
    await ensure_topics(kafka, [topic])
    source = open_source(env, kafka)
    producer = AIOKafkaProducer(
        bootstrap_servers=kafka.bootstrap_servers, enable_idempotence=True, acks="all"
    )
    await producer.start()
    sent = 0
    try:
        for publications in source.read(1):
            pending = []
            for item in publications:
                if item.event is None:
                    continue
                key, value, headers = to_kafka(item.event)
                pending.append(await producer.send(topic, value=value, key=key, headers=headers))
            for delivery in pending:
                await delivery
            sent += len(pending)
    finally:
        await producer.stop()
        await source.close()
    return sent


async def _committed(admin: AIOKafkaAdminClient, group: str) -> int:
    offsets = await admin.list_consumer_group_offsets(group)
    return sum(max(0, meta.offset) for meta in offsets.values())


async def catch_up_rate(
    objectives: int = 1000,
    revisions: int = 2,
    timeout: float = 600.0,
    mongo_url: str | None = None,
) -> dict[str, Any]:
    """A fresh consumer group of the projections service catching up a backlog of the goal log
    on Kafka; events per second from the first committed offset to the last (`steady`), and
    from the consumer's start (`overall`, with the group join)."""
    infra = local_processes()
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"bench-{uuid.uuid4().hex[:8]}"
    )
    with goal_source_env(objectives, revisions) as (env, _):
        events = await _publish(kafka, env)
    settings = ProjectionsSettings(
        kafka=kafka,
        mongo_url=mongo_url or infra.mongo_url,
        database=f"okr_bench_{uuid.uuid4().hex[:8]}",
        consumer_group=f"okr-bench-{uuid.uuid4().hex[:8]}",
    )
    container = projections_bootstrap(settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        await container.ensure_indexes()
        started = time.perf_counter()
        await container.start_consuming()
        first: tuple[float, int] | None = None
        deadline = started + timeout
        while (done := await _committed(admin, settings.consumer_group)) < events:
            if first is None and done > 0:
                first = (time.perf_counter(), done)
            if time.perf_counter() > deadline:
                raise TimeoutError(f"caught up {done} of {events} events within {timeout}s")
            await asyncio.sleep(0.05)
        ended = time.perf_counter()
        since, base = first or (started, 0)
        return {
            "events": events,
            "overall_events_per_second": round(events / (ended - started), 1),
            "steady_events_per_second": round((events - base) / max(ended - since, 1e-9), 1),
            "seconds": round(ended - started, 3),
        }
    finally:
        await admin.close()
        await container.broker.stop()
        await container.mongo.drop_database(settings.database)
        await container.mongo.close()


def _objective(i: int, now: datetime, units: list[str], people: int) -> dict[str, Any]:
    oid = str(uuid.UUID(int=i + 1))
    owner = f"p{random.randrange(people)}"
    unit = units[i % len(units)]
    return {
        "_id": oid,
        "tenant_id": TENANT,
        "objective_id": oid,
        "title": f"Objective {i}",
        "description": "",
        "level": "team",
        "owner_type": "person" if i % 3 else "org_unit",
        "owner_id": owner if i % 3 else unit,
        "org_unit_id": unit,
        "cycle_id": f"c{i % 8}",
        "tags": [],
        "visibility": "public" if i % 5 else "private",
        "status": "active",
        "commitment": "aspirational",
        "key_results": [
            {
                "key_result_id": f"{oid}-k{k}",
                "title": "KR",
                "kind": "increase_to",
                "owner_id": f"p{random.randrange(people)}",
                "weight": 1.0,
                "start": 0.0,
                "target": 1.0,
                "progress": 0.0,
                "initiatives": [],
                "checked_in": False,
            }
            for k in range(2)
        ],
        "alignments": [],
        "progress": 0.0,
        "rollup_progress": 0.0,
        "version": 1,
        "created_at": now + timedelta(seconds=i),
        "updated_at": now,
    }


def _person(i: int, units: list[str], now: datetime) -> dict[str, Any]:
    return {
        "_id": f"{TENANT}:p{i}",
        "tenant_id": TENANT,
        "person_id": f"p{i}",
        "display_name": f"Person {i}",
        "email": f"p{i}@bench.example",
        "org_unit_id": units[i % len(units)],
        "manager_id": f"p{i // 10}" if i else None,
        "roles": ["leader"] if i % 10 == 0 else ["member"],
        "status": "active",
        "version": 1,
        "created_at": now,
    }


async def _insert(collection: Any, docs: Iterator[dict[str, Any]], size: int = 5000) -> None:
    chunk: list[dict[str, Any]] = []
    for doc in docs:
        chunk.append(doc)
        if len(chunk) == size:
            await collection.insert_many(chunk, ordered=False)
            chunk = []
    if chunk:
        await collection.insert_many(chunk, ordered=False)


async def _timed(call: Callable[[], Awaitable[Any]], repeats: int) -> dict[str, float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        await call()
        seconds.append((time.perf_counter() - start) * 1000)
    seconds.sort()
    return {
        "p50_ms": round(statistics.median(seconds), 1),
        "p95_ms": round(seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))], 1),
    }


async def query_latencies(
    objectives: int = 50_000,
    people: int = 50_000,
    repeats: int = 20,
    mongo_url: str | None = None,
) -> dict[str, Any]:
    """Dashboard and list queries of the read API (the service's own query objects) over a read
    store of `objectives` objectives and `people` people inserted in bulk; p50/p95 of each."""
    infra = local_processes()
    settings = ProjectionsSettings(
        kafka=KafkaSettings(bootstrap_servers=infra.kafka_bootstrap),
        mongo_url=mongo_url or infra.mongo_url,
        database=f"okr_bench_{uuid.uuid4().hex[:8]}",
    )
    container = projections_bootstrap(settings)
    db = container.mongo[settings.database]
    units = [f"u{i}" for i in range(50)]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    random.seed(14)
    try:
        await container.ensure_indexes()
        clock = time.perf_counter()
        await _insert(
            db["objective_progress"], (_objective(i, now, units, people) for i in range(objectives))
        )
        await _insert(db["people"], (_person(i, units, now) for i in range(people)))
        await db["org_units"].insert_many(
            [
                {
                    "_id": f"{TENANT}:{u}",
                    "tenant_id": TENANT,
                    "org_unit_id": u,
                    "name": u,
                    "parent_id": None,
                    "ancestors": [u],
                    "version": 1,
                }
                for u in units
            ]
        )
        inserted = time.perf_counter() - clock
        admin = Principal(TENANT, "p0", ("admin",))
        member = Principal(TENANT, "p7", ("member",))
        q = container.queries
        asked: dict[str, Callable[[], Awaitable[Any]]] = {
            "objectives list (admin, cycle, first page)": lambda: q.objectives.objectives_list(
                admin, {"cycle_id": "c3"}, 50, 0
            ),
            "objectives list (member, first page)": lambda: q.objectives.objectives_list(
                member, {}, 50, 0
            ),
            "org unit objectives (cycle)": lambda: q.objectives.org_unit_objectives(
                admin, "u7", "c3", False, 50, 0
            ),
            "person objectives (involving)": lambda: q.objectives.person_objectives(
                admin, "p7", None, 50, 0
            ),
            "one objective": lambda: q.objectives.objective(admin, str(uuid.UUID(int=7))),
            "one person": lambda: q.directory.person(admin, "p7"),
        }
        figures = {name: await _timed(call, repeats) for name, call in asked.items()}
        return {
            "objectives": objectives,
            "people": people,
            "insert_seconds": round(inserted, 1),
            "queries": figures,
        }
    finally:
        await container.mongo.drop_database(settings.database)
        await container.mongo.close()


def main() -> None:
    print("rebuild", rebuild_rate())
    print("catch-up", asyncio.run(catch_up_rate()))
    print("queries", asyncio.run(query_latencies(objectives=20_000, people=20_000)))


if __name__ == "__main__":
    main()
