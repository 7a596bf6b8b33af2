"""`make bench`: throughput and lag on the real Kafka, PostgreSQL and FerretDB.

Measures, in one run so ratios are meaningful: raw event-store appends per second, objectives
created per second over HTTP, events relayed to Kafka per second, projection lag (command
accepted -> read model updated) p50/p95/p99, and the load time of a 10,000-event objective
with and without snapshots. Writes tests/bench/results/latest.md with the machine described.
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
from pymongo import MongoClient

from okr_goals.application.commands import CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.application.service import GoalsApplication
from okr_goals.bootstrap import bootstrap
from okr_goals.domain.objective import EventMeta
from okr_goals.settings import GoalsSettings
from okr_shared.identity import DevTokenIssuer
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.settings import AuthSettings, KafkaSettings

from tests.conftest import postgres_env
from tests.e2e.conftest import Process, free_port, wait_healthy
from tests.support.infra import local_processes

RESULTS = Path(__file__).parent / "results"
META = EventMeta(tenant_id="bench", actor_id="bench", correlation_id="c", causation_id="r")
BODY = {"title": "Bench objective", "owner_id": "ceo", "level": "team", "cycle_id": "bench",
        "key_results": [{"title": "KR", "start": 0, "target": 100, "unit": "%", "weight": 1.0}]}


def command(i: int) -> CreateObjective:
    return CreateObjective(f"Objective {i}", "", "ceo", "team", "bench", (NewKeyResult("KR", 0.0, 1.0, "", 1.0),))


def new_database(infra) -> str:
    name = f"okr_bench_{uuid.uuid4().hex[:8]}"
    admin = f"host={infra.pg_host} port={infra.pg_port} user={infra.pg_user} password={infra.pg_password} dbname={infra.pg_admin_db}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def bench_append(env: dict[str, str], n: int) -> float:
    app = GoalsApplication(env=env)
    start = time.perf_counter()
    for i in range(n):
        app.create_objective(command(i), META)
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
    await ensure_topics(settings.kafka, [GOALS_TOPIC])
    relay = container.new_relay(name=f"bench-relay-{uuid.uuid4().hex[:6]}", batch_size=1000)
    await relay.publisher.start()
    try:
        start = time.perf_counter()
        while await relay.relay_once():
            pass
        return relay.published / (time.perf_counter() - start), relay.published
    finally:
        await relay.publisher.stop()


def bench_lag(url: str, token: str, mongo_url: str, db: str, samples: int, catch_up_seconds: float = 30) -> list[float]:
    collection = MongoClient(mongo_url)[db]["objective_progress"]
    lags = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
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


def bench_load_10k(tmp: Path, events: int = 10_000) -> tuple[float, float]:
    env = {"GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite", "GOALS_SQLITE_DBNAME": str(tmp / "10k.sqlite")}
    app = GoalsApplication(env=env)
    oid = str(app.create_objective(command(0), META).objective.id)
    for v in range(1, events):
        app.revise_objective(ReviseObjective(oid, v, {"description": f"revision {v}"}, "bench"), META)

    class NoSnapshots(GoalsApplication):
        name = "goals"
        snapshotting_intervals = {}

    def median_load(application: GoalsApplication) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            assert application.get_objective("bench", oid).version == events
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    return median_load(GoalsApplication(env=env)), median_load(NoSnapshots(env=env))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "?")
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GiB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"Kafka {os.environ.get('KAFKA_VERSION', '4.4.0')} (single node), {pg}, FerretDB 1.24.2 (SQLite backend)")


def main() -> None:
    import tempfile

    infra = local_processes()
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap)
    n_append, n_http, n_lag = 500, 500, 200
    rows: list[tuple[str, str]] = []

    pg_env = postgres_env(infra, new_database(infra))
    rows.append(("Event-store appends (PostgreSQL, 1 writer)", f"{bench_append(pg_env, n_append):.0f} objectives/s"))
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_env = {"GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite", "GOALS_SQLITE_DBNAME": f"{tmp}/append.sqlite"}
        rows.append(("Event-store appends (SQLite, 1 writer)", f"{bench_append(sqlite_env, n_append):.0f} objectives/s"))

    token = DevTokenIssuer(AuthSettings()).issue("bench", "bench")
    http_env = postgres_env(infra, new_database(infra))
    port = free_port()
    goals = Process("bench-goals", ["okr_goals.entrypoints.cli", "serve", "--port", str(port)],
                    {**http_env, "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "OKR_GOALS_RELAY_ENABLED": "false"})
    goals.start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", goals)
        http_rate = bench_http(f"http://127.0.0.1:{port}", token, n_http)
    finally:
        goals.stop()
    rows.append((f"HTTP creates (8 concurrent clients, {n_http} objectives)", f"{http_rate:.0f} objectives/s"))
    relay_rate, relayed = asyncio.run(bench_relay(GoalsSettings(kafka=kafka, event_store=http_env)))
    rows.append((f"Outbox relay to Kafka ({relayed} events, acks=all)", f"{relay_rate:.0f} events/s"))

    lag_env = postgres_env(infra, new_database(infra))
    db, group = f"okr_bench_{uuid.uuid4().hex[:8]}", f"okr-bench-{uuid.uuid4().hex[:8]}"
    g_port, p_port = free_port(), free_port()
    common = {"OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap}
    services = [
        Process("bench-goals-relay", ["okr_goals.entrypoints.cli", "serve", "--port", str(g_port)], {**common, **lag_env}),
        Process("bench-projections", ["okr_projections.entrypoints.cli", "serve", "--port", str(p_port)],
                {**common, "OKR_MONGO_URL": infra.mongo_url, "OKR_PROJECTIONS_DB": db, "OKR_PROJECTIONS_GROUP": group}),
    ]
    for s in services:
        s.start()
    try:
        wait_healthy(f"http://127.0.0.1:{g_port}/health", services[0])
        wait_healthy(f"http://127.0.0.1:{p_port}/health", services[1])
        # A new consumer group starts from the topic's beginning: let it catch up before measuring.
        bench_lag(f"http://127.0.0.1:{g_port}", token, infra.mongo_url, db, 1, catch_up_seconds=600)
        lags = bench_lag(f"http://127.0.0.1:{g_port}", token, infra.mongo_url, db, n_lag)
    finally:
        for s in services:
            s.stop()
    rows.append((f"Projection lag, accepted -> read model ({n_lag} sequential creates)",
                 f"p50 {percentile(lags, 50):.1f} ms, p95 {percentile(lags, 95):.1f} ms, p99 {percentile(lags, 99):.1f} ms"))

    with tempfile.TemporaryDirectory() as tmp:
        with_snap, without = bench_load_10k(Path(tmp))
    rows.append(("Load a 10,000-event objective (SQLite), snapshots every 200", f"median {with_snap:.1f} ms"))
    rows.append(("Load a 10,000-event objective (SQLite), no snapshots", f"median {without:.1f} ms ({without / with_snap:.0f}x slower)"))

    report = [f"# Benchmark results ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "", f"Machine: {machine()}", "",
              "Command: `make bench` (tests/bench/run.py). One run; these machines are noisy, compare ratios.", "",
              "| measure | result |", "| --- | --- |", *[f"| {k} | {v} |" for k, v in rows], ""]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(report))
    print("\n".join(report))


if __name__ == "__main__":
    main()
