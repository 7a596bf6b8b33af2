"""`make bench`: throughput and lag on the real Kafka, PostgreSQL and FerretDB.

Measures, in one run so ratios are meaningful: raw event-store appends per second, objectives
created per second over HTTP, events relayed to Kafka per second, projection lag (command
accepted -> read model updated) p50/p95/p99 for objectives and for check-ins, the load time of a
10,000-event objective now and as of an earlier time, with and without snapshots, and the
rebuild of a cycle's alignment tree from events, and the read models rebuilt from an event
store (`okr projections rebuild`: events and documents per second). Writes
tests/bench/results/latest.md with the machine described.
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from pymongo import AsyncMongoClient, MongoClient

from okr_cli.rebuild import Options, Rebuild
from okr_cli.sources import Source
from okr_goals.alignment.commands import Align
from okr_goals.bootstrap import GoalFeatures, bootstrap, compose
from okr_goals.objectives.commands import Change, CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.settings import GoalsSettings
from okr_goals.store import GoalsStore
from okr_shared.identity import DevTokenIssuer
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.settings import AuthSettings, KafkaSettings
from tests.conftest import postgres_env
from tests.support.goals import goal_features
from tests.support.infra import local_processes
from tests.support.org import CYCLE, caller, seed
from tests.support.processes import Process, free_port, wait_healthy

RESULTS = Path(__file__).parent / "results"
TENANT = "bench"
ADMIN = caller("ceo", admin=True, tenant=TENANT)
BODY = {
    "title": "Bench objective",
    "owner_type": "org_unit",
    "owner_id": "web",
    "level": "team",
    "cycle_id": CYCLE,
    "key_results": [
        {"title": "KR", "kind": "percentage", "start": 0, "target": 100, "weight": 1.0}
    ],
}


def command(i: int, level: str = "team", owner: str = "web") -> CreateObjective:
    return CreateObjective(
        f"Objective {i}",
        level,
        "org_unit",
        owner,
        CYCLE,
        key_results=(NewKeyResult("KR", "increase_to", start=0.0, target=1.0),),
    )


def seeded(env: dict[str, str]) -> GoalFeatures:
    app = goal_features(env=env)
    seed(app, TENANT)
    return app


def new_database(infra) -> str:
    name = f"okr_bench_{uuid.uuid4().hex[:8]}"
    admin = (
        f"host={infra.pg_host} port={infra.pg_port} user={infra.pg_user} "
        f"password={infra.pg_password} dbname={infra.pg_admin_db}"
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def bench_append(env: dict[str, str], n: int) -> float:
    app = seeded(env)
    start = time.perf_counter()
    for i in range(n):
        app.objectives.create_objective(command(i), ADMIN)
    return n / (time.perf_counter() - start)


def bench_http(url: str, token: str, n: int, workers: int = 8) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:

        def one(_: int) -> None:
            assert client.post("/v1/objectives", json=BODY).status_code == 201

        start = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, range(n)))
        return n / (time.perf_counter() - start)


async def bench_relay(settings: GoalsSettings) -> tuple[float, int]:
    container = bootstrap(settings)
    await ensure_topics(settings.kafka, [settings.kafka.topic(GOALS_TOPIC)])
    relay = container.new_relay(name=f"bench-relay-{uuid.uuid4().hex[:6]}", batch_size=1000)
    await relay.publisher.start()
    try:
        start = time.perf_counter()
        while await relay.relay_once():
            pass
        return relay.published / (time.perf_counter() - start), relay.published
    finally:
        await relay.publisher.stop()


def bench_lag(
    url: str, token: str, mongo_url: str, db: str, samples: int, catch_up_seconds: float = 30
) -> list[float]:
    collection = MongoClient(mongo_url)[db]["objective_progress"]
    lags = []
    with httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        for _ in range(samples):
            r = client.post("/v1/objectives", json=BODY)
            accepted = time.perf_counter()
            oid = r.json()["objective_id"]
            while collection.find_one({"_id": oid}, {"_id": 1}) is None:
                time.sleep(0.002)
                if time.perf_counter() - accepted > catch_up_seconds:
                    raise RuntimeError(f"projection did not catch up within {catch_up_seconds} s")
            lags.append((time.perf_counter() - accepted) * 1000)
            time.sleep(0.02)
    return lags


def _median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_check_in_lag(
    goals_url: str, checkins_url: str, token: str, mongo_url: str, db: str, samples: int
) -> list[float]:
    """Milliseconds from an accepted check-in to the key result's new value in the read model."""
    headers = {"Authorization": f"Bearer {token}"}
    goals = httpx.Client(base_url=goals_url, headers=headers, timeout=30)
    checkins = httpx.Client(base_url=checkins_url, headers=headers, timeout=30)
    objective = goals.post("/v1/objectives", json={**BODY, "title": "Check-in lag"}).json()
    assert (
        goals.post(
            f"/v1/cycles/{CYCLE}/state", json={"state": "active", "reason": "bench"}
        ).status_code
        == 200
    )
    oid, kr = objective["objective_id"], objective["key_results"][0]["key_result_id"]
    collection = MongoClient(mongo_url)[db]["objective_progress"]

    def check_in(value: float) -> float:
        body = {
            "key_result_id": kr,
            "value": value,
            "confidence": 7,
            "effective_at": "2026-03-01T12:00:00Z",
        }
        deadline = time.perf_counter() + 120
        while (r := checkins.post("/v1/check-ins", json=body)).status_code != 201:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"check-in refused: {r.text}")
            time.sleep(0.2)
        return time.perf_counter()

    def projected(value: float) -> bool:
        doc = collection.find_one({"_id": oid}, {"key_results": 1}) or {}
        return any(k.get("current") == value for k in doc.get("key_results", []))

    lags = []
    for i in range(samples + 1):
        accepted = check_in(float(i + 1))
        while not projected(float(i + 1)):
            time.sleep(0.002)
            if time.perf_counter() - accepted > 120:
                raise RuntimeError("projection did not catch up")
        if i:
            lags.append((time.perf_counter() - accepted) * 1000)
        time.sleep(0.02)
    return lags


def bench_load_10k(tmp: Path, events: int = 10_000) -> dict[str, float]:
    """Loads of a 10,000-event objective: now and as of its middle, with and without snapshots."""
    env = {
        "GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "GOALS_SQLITE_DBNAME": str(tmp / "10k.sqlite"),
    }
    app = seeded(env)
    oid = str(app.objectives.create_objective(command(0), ADMIN).objective.id)
    middle = None
    for v in range(1, events):
        app.objectives.revise_objective(
            ReviseObjective(Change(oid, v, "bench"), {"description": f"revision {v}"}), ADMIN
        )
        if v == events // 2:
            middle = datetime.now(UTC)

    class NoSnapshots(GoalsStore):
        name = "goals"
        snapshotting_intervals = {}

    results = {}
    for label, application in (
        ("snapshots", goal_features(env=env)),
        ("none", compose(NoSnapshots(env=env))),
    ):

        def now(application=application):
            assert application.objectives.get_objective(ADMIN, oid).version == events

        def then(application=application):
            assert application.objectives.get_objective(ADMIN, oid, at=middle).version in (
                events // 2,
                events // 2 + 1,
            )

        results[f"now/{label}"] = _median_ms(now)
        results[f"as_of/{label}"] = _median_ms(then)
    return results


def bench_tree(tmp: Path, n: int = 300) -> tuple[float, float]:
    """Rebuilds a cycle's alignment tree of `n` objectives from events, now and as of halfway."""
    env = {
        "GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "GOALS_SQLITE_DBNAME": str(tmp / "tree.sqlite"),
    }
    app = seeded(env)
    company = app.objectives.create_objective(command(0, "company", "acme"), ADMIN).objective
    departments = [
        app.objectives.create_objective(command(i, "department", d), ADMIN).objective
        for i, d in enumerate(("sales", "rnd"), 1)
    ]
    middle = None
    for i in range(3, n):
        o = app.objectives.create_objective(command(i), ADMIN).objective
        app.alignment.align(
            Align(Change(str(o.id), o.version, "bench"), str(departments[i % 2].id), 0.5), ADMIN
        )
        if i == n // 2:
            middle = datetime.now(UTC)
    for d in departments:
        app.alignment.align(
            Align(Change(str(d.id), d.version, "bench"), str(company.id), 0.5), ADMIN
        )
    now = _median_ms(lambda: app.history.alignment_tree(ADMIN, CYCLE), runs=3)
    then = _median_ms(lambda: app.history.alignment_tree(ADMIN, CYCLE, middle), runs=3)
    return now, then


async def bench_rebuild(infra, kafka: KafkaSettings, n: int = 300) -> dict:
    """The read models rebuilt, as `okr projections rebuild` does, from a goal event store
    (PostgreSQL) of `n` objectives into a new database of the document store (never switched
    to); the rebuild's outcome with its rates."""
    env = postgres_env(infra, new_database(infra))
    app = seeded(env)
    for i in range(n):
        app.objectives.create_objective(command(i), ADMIN)
    container = bootstrap(GoalsSettings(kafka=kafka, event_store=env))
    source = Source("goals", container.new_relay(), container)
    base = f"okr_bench_{uuid.uuid4().hex[:8]}"
    client: AsyncMongoClient = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    try:
        options = Options(switch=False, accept_differences=True)
        outcome = await Rebuild(client, base, [source], options).run()
        await client.drop_database(outcome["database"])
        await client.drop_database(base)
        return outcome
    finally:
        await source.close()
        await client.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "?",
    )
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GiB RAM, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"Kafka {os.environ.get('KAFKA_VERSION', '4.4.0')} (single node), {pg}, "
        "FerretDB 1.24.2 (SQLite backend)"
    )


def main() -> None:
    import tempfile

    infra = local_processes()
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_namespace=namespace)
    n_append, n_http, n_lag = 500, 500, 200
    rows: list[tuple[str, str]] = []

    pg_env = postgres_env(infra, new_database(infra))
    rows.append(
        (
            "Event-store appends (PostgreSQL, 1 writer)",
            f"{bench_append(pg_env, n_append):.0f} objectives/s",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_env = {
            "GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "GOALS_SQLITE_DBNAME": f"{tmp}/append.sqlite",
        }
        rows.append(
            (
                "Event-store appends (SQLite, 1 writer)",
                f"{bench_append(sqlite_env, n_append):.0f} objectives/s",
            )
        )

    token = DevTokenIssuer(AuthSettings()).issue(TENANT, "ceo", ("admin",))
    http_env = postgres_env(infra, new_database(infra))
    seeded(http_env)
    port = free_port()
    goals = Process(
        "bench-goals",
        ["okr_goals.cli", "serve", "--port", str(port)],
        {
            **http_env,
            "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "OKR_KAFKA_TOPIC_NAMESPACE": namespace,
            "OKR_GOALS_RELAY_ENABLED": "false",
        },
    )
    goals.start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", goals)
        http_rate = bench_http(f"http://127.0.0.1:{port}", token, n_http)
    finally:
        goals.stop()
    rows.append(
        (
            f"HTTP creates (8 concurrent clients, {n_http} objectives)",
            f"{http_rate:.0f} objectives/s",
        )
    )
    relay_rate, relayed = asyncio.run(bench_relay(GoalsSettings(kafka=kafka, event_store=http_env)))
    rows.append(
        (f"Outbox relay to Kafka ({relayed} events, acks=all)", f"{relay_rate:.0f} events/s")
    )
    rebuilt = asyncio.run(bench_rebuild(infra, kafka))
    rows.append(
        (
            f"Read models rebuilt from the event store (`okr projections rebuild`, "
            f"{rebuilt['events']} goal events, {rebuilt['documents']} documents)",
            f"{rebuilt['events_per_second']:.0f} events/s, "
            f"{rebuilt['documents_per_second']:.0f} documents/s",
        )
    )

    lag_env = postgres_env(infra, new_database(infra))
    seeded(lag_env)
    checkins_env = {
        k.replace("GOALS_", "CHECKINS_"): v
        for k, v in postgres_env(infra, new_database(infra)).items()
    }
    db, group = f"okr_bench_{uuid.uuid4().hex[:8]}", f"okr-bench-{uuid.uuid4().hex[:8]}"
    g_port, c_port, p_port = free_port(), free_port(), free_port()
    common = {"OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "OKR_KAFKA_TOPIC_NAMESPACE": namespace}
    services = [
        Process(
            "bench-goals-relay",
            ["okr_goals.cli", "serve", "--port", str(g_port)],
            {**common, **lag_env},
        ),
        Process(
            "bench-checkins",
            ["okr_checkins.cli", "serve", "--port", str(c_port)],
            {
                **common,
                **checkins_env,
                "OKR_CHECKINS_GROUP": f"okr-bench-checkins-{uuid.uuid4().hex[:8]}",
                "OKR_CHECKINS_REMINDERS_ENABLED": "false",
            },
        ),
        Process(
            "bench-projections",
            ["okr_projections.cli", "serve", "--port", str(p_port)],
            {
                **common,
                "OKR_MONGO_URL": infra.mongo_url,
                "OKR_PROJECTIONS_DB": db,
                "OKR_PROJECTIONS_GROUP": group,
            },
        ),
    ]
    for s in services:
        s.start()
    try:
        wait_healthy(f"http://127.0.0.1:{g_port}/health", services[0])
        wait_healthy(f"http://127.0.0.1:{c_port}/health", services[1])
        wait_healthy(f"http://127.0.0.1:{p_port}/health", services[2])
        # The first create also waits for the consumer to join its group.
        bench_lag(f"http://127.0.0.1:{g_port}", token, infra.mongo_url, db, 1, catch_up_seconds=600)
        lags = bench_lag(f"http://127.0.0.1:{g_port}", token, infra.mongo_url, db, n_lag)
        check_in_lags = bench_check_in_lag(
            f"http://127.0.0.1:{g_port}",
            f"http://127.0.0.1:{c_port}",
            token,
            infra.mongo_url,
            db,
            n_lag,
        )
    finally:
        for s in services:
            s.stop()
    rows.append(
        (
            f"Projection lag, accepted -> read model ({n_lag} sequential creates)",
            f"p50 {percentile(lags, 50):.1f} ms, p95 {percentile(lags, 95):.1f} ms, "
            f"p99 {percentile(lags, 99):.1f} ms",
        )
    )
    rows.append(
        (
            "Check-in lag, accepted -> key-result value in the read model "
            f"({n_lag} sequential check-ins)",
            f"p50 {percentile(check_in_lags, 50):.1f} ms, "
            f"p95 {percentile(check_in_lags, 95):.1f} ms, "
            f"p99 {percentile(check_in_lags, 99):.1f} ms",
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        loads = bench_load_10k(Path(tmp))
        tree_now, tree_then = bench_tree(Path(tmp))
    for when, label in (("now", "current state"), ("as_of", "as of the time of event 5,000")):
        with_snap, without = loads[f"{when}/snapshots"], loads[f"{when}/none"]
        rows.append(
            (
                f"Load a 10,000-event objective, {label} (SQLite), snapshots every 200",
                f"median {with_snap:.1f} ms",
            )
        )
        rows.append(
            (
                f"Load a 10,000-event objective, {label} (SQLite), no snapshots",
                f"median {without:.1f} ms ({without / with_snap:.0f}x slower)",
            )
        )
    rows.append(
        (
            "Alignment tree of a 300-objective cycle rebuilt from events (SQLite), now",
            f"median {tree_now:.0f} ms",
        )
    )
    rows.append(
        (
            "Alignment tree of a 300-objective cycle rebuilt from events (SQLite), as of halfway",
            f"median {tree_then:.0f} ms",
        )
    )

    report = [
        f"# Benchmark results ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {machine()}",
        "",
        "Command: `make bench` (tests/bench/run.py). "
        "One run; these machines are noisy, compare ratios.",
        "",
        "| measure | result |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in rows],
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(report))
    print("\n".join(report))


if __name__ == "__main__":
    main()
