"""`make bench`: the machine's own limits, then the platform's figures beside them, in one run.

Baselines first (tests/bench/baselines.py), then the platform on the real Kafka, PostgreSQL and
FerretDB: event-store appends, objectives created over HTTP, the outbox relay, the read models
rebuilt, projection lag of sequential creates and check-ins, open-loop load (single check-ins at
rising rates, the lag at a sustained 200/s, integration-feed batches, objectives created), the
services' memory, and time travel. Writes tests/bench/results/latest.md and latest.json (with
the previous run's figures beside the new ones, and the issue's targets marked) and the plots.

Measures built elsewhere plug in through MEASURES: a function of a Bench returning figures
under the keys the targets read (tests/bench/results.py).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from okr_goals.settings import GoalsSettings
from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings, KafkaSettings
from tests.bench import baselines, plots, projections, results, scale, scenarios
from tests.bench.load import distribution
from tests.bench.machine import machine
from tests.bench.platform import (
    TENANT,
    Bench,
    bench_append,
    bench_check_in_lag,
    bench_http,
    bench_lag,
    bench_load_10k,
    bench_relay,
    bench_tree,
    new_database,
    seeded,
    service_envs,
)
from tests.bench.results import Figure, Report, median_figure
from tests.conftest import postgres_env
from tests.support.processes import Process, free_port, wait_healthy

COMMAND = "`python -m tests.bench.run` (what `make bench` runs, infrastructure up)"


def projection_figures(bench: Bench) -> list[Figure]:
    """The projections' rebuild (median of 3) and catch-up of a 1,000-objective goal log, and
    the read API's list queries over a read store filled in bulk (tests/bench/projections.py)."""
    rebuilt = projections.rebuild_rate(objectives=1000, runs=3)
    caught = asyncio.run(projections.catch_up_rate(objectives=1000))
    scale = 5000
    queried = asyncio.run(projections.query_latencies(objectives=scale, people=scale, repeats=5))
    lists = {k: v for k, v in queried["queries"].items() if not k.startswith("one ")}
    return [
        median_figure(
            "rebuild.events",
            f"read models rebuilt from the event store ({rebuilt['events']} goal events)",
            "events/s",
            rebuilt["runs"],
            baseline="baseline.docstore_write.16",
        ),
        Figure(
            "projections.catch_up",
            f"projections catching up a backlog of {caught['events']} goal events (steady)",
            caught["steady_events_per_second"],
            "events/s",
            "baseline.docstore_write.16",
        ),
        Figure(
            "dashboard.p95",
            f"slowest list query p95 with {scale:,} objectives and {scale:,} people "
            f"(the target's scale is 200,000 and 50,000)",
            max(v["p95_ms"] for v in lists.values()),
            "ms",
        ),
    ]


MEASURES: list[Callable[[Bench], Iterable[Figure]]] = [projection_figures, scale.scale_figures]


def store_figures(bench: Bench, n: int = 500) -> list[Figure]:
    pg = bench_append(postgres_env(bench.infra, new_database(bench.infra)), n)
    sqlite = bench_append(
        {
            "GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "GOALS_SQLITE_DBNAME": str(bench.tmp / "append.sqlite"),
        },
        n,
    )
    return [
        Figure(
            "store.append.pg",
            "event-store appends, PostgreSQL, 1 writer",
            pg,
            "objectives/s",
            "baseline.es_save.1",
        ),
        Figure(
            "store.append.sqlite", "event-store appends, SQLite, 1 writer", sqlite, "objectives/s"
        ),
    ]


def http_and_relay_figures(bench: Bench) -> list[Figure]:
    env = postgres_env(bench.infra, new_database(bench.infra))
    seeded(env)
    port = free_port()
    goals = Process(
        "bench-goals",
        ["okr_goals.cli", "serve", "--port", str(port)],
        {
            **env,
            "OKR_KAFKA_BOOTSTRAP": bench.infra.kafka_bootstrap,
            "OKR_KAFKA_TOPIC_NAMESPACE": bench.namespace,
            "OKR_GOALS_RELAY_ENABLED": "false",
        },
    )
    goals.start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health", goals)
        http_rate = bench_http(f"http://127.0.0.1:{port}", bench.token)
    finally:
        goals.stop()
    relay_rate, relayed = asyncio.run(
        bench_relay(GoalsSettings(kafka=bench.kafka, event_store=env))
    )
    return [
        Figure(
            "http.create",
            "objectives created over HTTP, 16 closed-loop clients",
            http_rate,
            "objectives/s",
            "baseline.http_empty",
        ),
        Figure(
            "relay",
            f"outbox relay to Kafka ({relayed} events, acks=all)",
            relay_rate,
            "events/s",
            "baseline.kafka_produce",
        ),
    ]


def lag_figures(key: str, label: str, lags: list[float], unseen: int = 0) -> list[Figure]:
    d = distribution(lags)
    note = (
        f"({unseen} of {unseen + len(lags)} not seen in the read model in time)" if unseen else ""
    )
    return [
        Figure(f"{key}.{p}", f"{label}, {p}", d[p], "ms", note=note) for p in ("p50", "p95", "p99")
    ]


def load_figures(bench: Bench, report: Report, n_lag: int = 200, n_check_in_lag: int = 50):
    """The services as processes: sequential lags, then the open-loop scenarios and memory."""
    figures: list[Figure] = []
    with scenarios.stack(bench.infra, bench.namespace, *service_envs(bench), bench.token) as s:
        mongo = (bench.infra.mongo_url, s.db)
        # The first create also waits for the consumers to join their groups.
        bench_lag(s.goals, bench.token, *mongo, 1, catch_up_seconds=600)
        lags = bench_lag(s.goals, bench.token, *mongo, n_lag)
        seq = bench_check_in_lag(s.goals, s.checkins, bench.token, *mongo, n_check_in_lag)
        calls = scenarios.CheckIns(scenarios.prepare(s))
        names = [p.name for p in s.processes]
        idle = {n: scenarios.rss_mb(p)[0] for n, p in zip(names, s.processes, strict=True)}
        # The lags first, while nothing is queued in the projections yet.
        low = scenarios.check_in_lag(s, calls, scenarios.LOW_LAG_RATE, scenarios.LOW_LAG_SECONDS)
        lag = scenarios.check_in_lag(s, calls)
        ramp = [step.summary() for step in scenarios.check_in_ramp(s, calls)]
        report.profiles = scenarios.profiled(s, calls, bench.tmp / "profiles")
        feed = [step.summary() for step in scenarios.feed_ramp(s, calls)]
        creates = [step.summary() for step in scenarios.create_ramp(s)]
        peak = {n: scenarios.rss_mb(p)[1] for n, p in zip(names, s.processes, strict=True)}
    for step in feed:
        step["values"] = step["achieved"] * 100
    report.steps.update(
        {
            "single check-ins over HTTP, concurrency 32": ramp,
            "check-ins at 20/s, then a sustained 200/s, with a reader polling the read model": [
                low.summary(),
                lag.summary(),
            ],
            "integration feed, batches of 100 values (rates in batches/s)": feed,
            "objectives created over HTTP": creates,
        }
    )
    report.lags_ms = lag.lags_ms
    figures += lag_figures("lag.create", f"objective lag, {n_lag} sequential creates", lags)
    figures += lag_figures(
        "lag.checkin_sequential", f"check-in lag, {n_check_in_lag} sequential check-ins", seq
    )
    sustained = scenarios.sustained(ramp, p99_ms=100)
    figures += [
        Figure(
            "checkins.http.sustained",
            "single check-ins sustained with p99 ≤ 100 ms and 0 errors",
            sustained,
            "check-ins/s",
            "baseline.es_save.1",
        ),
        Figure(
            "checkins.http.accepted",
            "single check-ins accepted (best error-free step)",
            scenarios.sustained(ramp, keep_up=False),
            "check-ins/s",
            "baseline.es_save.1",
        ),
        *lag_figures(
            "checkins.lag_low",
            f"check-in lag at {scenarios.LOW_LAG_RATE}/s open loop",
            low.lags_ms,
            low.unseen,
        ),
        *lag_figures("checkins.lag", "check-in lag at 200/s open loop", lag.lags_ms, lag.unseen),
        Figure(
            "feed.values",
            "integration feed (best error-free step)",
            scenarios.sustained(feed, keep_up=False) * 100,
            "values/s",
            "baseline.es_save.1",
        ),
        Figure(
            "objectives.open_loop",
            "objectives created, open loop (best error-free step)",
            scenarios.sustained(creates, keep_up=False),
            "objectives/s",
            "baseline.es_save.1",
        ),
        *scenarios.memory_figures(idle, peak),
    ]
    return figures


def time_travel_figures(bench: Bench, tree_size: int = 1_000) -> list[Figure]:
    """Time travel on PostgreSQL: one objective of 10,000 events, and a cycle's alignment tree
    of `tree_size` objectives, now and as of an earlier instant (the tree is rebuilt from each
    objective's events, so it grows with the objectives: 10,000 would take the bench minutes
    to write and seconds per tree)."""
    loads = bench_load_10k(postgres_env(bench.infra, new_database(bench.infra)))
    tree_env = postgres_env(bench.infra, new_database(bench.infra))
    tree_now, tree_then = bench_tree(tree_env, tree_size)
    what = "a 10,000-event objective (PostgreSQL)"
    tree = f"alignment tree of {tree_size:,} objectives (PostgreSQL; the target's scale is 10,000)"
    return [
        Figure("load10k.now", f"{what}, now, snapshots every 200", loads["now/snapshots"], "ms"),
        Figure("load10k.now.none", f"{what}, now, no snapshots", loads["now/none"], "ms"),
        Figure(
            "load10k.as_of",
            f"{what}, as of event 5,000, snapshots every 200",
            loads["as_of/snapshots"],
            "ms",
        ),
        Figure(
            "load10k.as_of.none",
            f"{what}, as of event 5,000, no snapshots",
            loads["as_of/none"],
            "ms",
        ),
        Figure(f"tree{tree_size}.now", f"{tree}, now", tree_now, "ms"),
        Figure(f"tree{tree_size}.as_of", f"{tree}, as of halfway", tree_then, "ms"),
    ]


def draw(report: Report) -> None:
    results.RESULTS.mkdir(parents=True, exist_ok=True)
    ramps = {k: v for k, v in report.steps.items() if "sustained" not in k and v}
    if ramps:
        plots.latency_against_rate(ramps, results.RESULTS / "latency.png")
    plots.lag_distribution(
        report.lags_ms, "check-in lag at 200 check-ins/s (open loop)", results.RESULTS / "lag.png"
    )
    report.plots = ["latency.png", "lag.png"]


def main() -> None:
    from tests.support.infra import local_processes

    started = time.perf_counter()
    infra = local_processes()
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_namespace=namespace)
    token = DevTokenIssuer(AuthSettings()).issue(TENANT, "ceo", ("admin",))
    report = Report(machine(), COMMAND)
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(infra, kafka, namespace, token, Path(tmp))
        steps = [
            lambda: baselines.measure(infra, kafka),
            lambda: store_figures(bench),
            lambda: http_and_relay_figures(bench),
            lambda: load_figures(bench, report),
            lambda: time_travel_figures(bench),
            *[lambda m=m: m(bench) for m in MEASURES],
        ]
        for step in steps:
            figures = list(step())
            report.add(*figures)
            print(f"[bench] {time.perf_counter() - started:.0f} s: {len(figures)} figures")
    draw(report)
    report.seconds = time.perf_counter() - started
    print(results.write(report))


if __name__ == "__main__":
    main()
