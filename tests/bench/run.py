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
import uuid
from pathlib import Path

from okr_goals.settings import GoalsSettings
from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings, KafkaSettings
from tests.bench import results
from tests.bench.machine import machine
from tests.bench.platform import (
    TENANT,
    bench_append,
    bench_check_in_lag,
    bench_http,
    bench_lag,
    bench_load_10k,
    bench_rebuild,
    bench_relay,
    bench_tree,
    new_database,
    percentile,
    seeded,
)
from tests.conftest import postgres_env
from tests.support.infra import local_processes
from tests.support.processes import Process, free_port, wait_healthy


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

    results.write(rows, machine())


if __name__ == "__main__":
    main()
