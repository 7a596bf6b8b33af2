"""Check-ins and the integration feed under load on the real stack, and the lag from an accepted
check-in to its key result's value in the read model.

Self-contained, so another harness can call its functions: `checkins_over_http` (open loop:
request i is due at `i / rate` seconds, at most `concurrency` in flight; latency counts from the
due time, so a server that falls behind is not flattered), `feed_over_http` (batches of values),
`minimal_saves` (the eventsourcing library saving a one-event aggregate on the same PostgreSQL)
and `lag_under_load` (a reader polling the read model while check-ins arrive at a fixed rate).

`python -m tests.bench.checkins` starts the goal, check-in and projection services on fresh
databases and topics, seeds objectives with key results, and prints every figure as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
from eventsourcing.domain import Aggregate

BODY_TIME = "2026-03-01T12:00:00Z"


def percentiles(values: list[float]) -> dict[str, float]:
    """p50, p95, p99 and max of `values` (milliseconds), rounded."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "max": 0.0}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))], 1)

    return {"p50": at(50), "p95": at(95), "p99": at(99), "max": round(ordered[-1], 1)}


async def _open_loop(
    count: int, rate: float, concurrency: int, send: Any, on_accepted: Any = None
) -> dict[str, Any]:
    """Calls `send(i)` for i < count at its due time i / rate (at most `concurrency` at once);
    `send` returns the HTTP status. The latencies count from the due time."""
    slots = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    start = time.perf_counter()

    async def one(i: int) -> None:
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        async with slots:
            try:
                status = await send(i)
            except httpx.HTTPError:
                status = 0
        done = time.perf_counter()
        statuses[status] = statuses.get(status, 0) + 1
        if status in (200, 201):
            latencies.append((done - due) * 1000)
            if on_accepted is not None:
                on_accepted(i, done)

    await asyncio.gather(*(one(i) for i in range(count)))
    elapsed = time.perf_counter() - start
    ok = len(latencies)
    return {
        "offered_per_second": rate,
        "count": count,
        "accepted": ok,
        "errors": count - ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(elapsed, 2),
        "accepted_per_second": round(ok / elapsed, 1),
        "latency_ms": percentiles(latencies),
    }


def check_in_body(key_result_id: str, value: float) -> dict[str, Any]:
    return {
        "key_result_id": key_result_id,
        "value": value,
        "confidence": 7,
        "effective_at": BODY_TIME,
    }


async def checkins_over_http(
    url: str,
    token: str,
    key_results: list[str],
    rate: float,
    count: int,
    concurrency: int = 32,
    on_accepted: Any = None,
) -> dict[str, Any]:
    """Single check-ins (`POST /v1/check-ins`), round-robin over `key_results`, at `rate` per
    second (open loop, at most `concurrency` in flight); throughput, latency and errors.
    `on_accepted(i, when)` learns each accepted check-in (its value is i + 1)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30, limits=limits
    ) as client:

        async def send(i: int) -> int:
            body = check_in_body(key_results[i % len(key_results)], float(i + 1))
            return (await client.post("/v1/check-ins", json=body)).status_code

        return await _open_loop(count, rate, concurrency, send, on_accepted)


async def feed_over_http(
    url: str,
    token: str,
    key_results: list[str],
    batches: int,
    batch_size: int = 100,
    rate: float = 50.0,
    concurrency: int = 4,
) -> dict[str, Any]:
    """Integration batches (`POST /v1/integrations/check-ins`) of `batch_size` values, `rate`
    batches per second offered; values per second and batch latency."""
    run = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as client:

        async def send(b: int) -> int:
            items = [
                {
                    **check_in_body(key_results[(b * batch_size + j) % len(key_results)], float(j)),
                    "idempotency_key": f"{run}-{b}-{j}",
                }
                for j in range(batch_size)
            ]
            r = await client.post("/v1/integrations/check-ins", json={"items": items})
            recorded = r.status_code == 200 and all(
                i["status"] == "recorded" for i in r.json()["items"]
            )
            return r.status_code if recorded else -r.status_code

        result = await _open_loop(batches, rate, concurrency, send)
    result["values_per_second"] = round(result["accepted_per_second"] * batch_size, 1)
    return result


class Dot(Aggregate):
    """The smallest aggregate: one creation event."""


def minimal_saves(env: dict[str, str], n: int, threads: int = 1) -> float:
    """The eventsourcing library saving a minimal one-event aggregate, per second, on the
    PostgreSQL of `env` (eventsourcing settings, unprefixed)."""
    from eventsourcing.application import Application

    app = Application(env=env)
    per = n // threads

    def work(_: int) -> None:
        for _ in range(per):
            app.save(Dot())

    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    return per * threads / (time.perf_counter() - start)


@dataclass
class LagReader:
    """Polls the objective documents and notes when each key result first shows a value."""

    mongo_url: str
    db: str
    objective_of: dict[str, str]
    seen: dict[tuple[str, float], float] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        from pymongo import MongoClient

        collection = MongoClient(self.mongo_url)[self.db]["objective_progress"]
        ids = sorted(set(self.objective_of.values()))
        while not self.stop.is_set():
            now = time.perf_counter()
            for doc in collection.find({"_id": {"$in": ids}}, {"key_results": 1}):
                for kr in doc.get("key_results", []):
                    key = (kr.get("key_result_id"), kr.get("current"))
                    self.seen.setdefault(key, now)
            time.sleep(0.005)


async def lag_under_load(
    url: str,
    token: str,
    key_results: list[str],
    objective_of: dict[str, str],
    mongo_url: str,
    db: str,
    rate: float,
    count: int,
    settle_seconds: float = 30,
) -> dict[str, Any]:
    """Check-ins at `rate` per second; milliseconds from each answer to its value in the read
    model (a reader polls every 5 ms, so figures include up to one poll)."""
    reader = LagReader(mongo_url, db, objective_of)
    thread = threading.Thread(target=reader.run, daemon=True)
    thread.start()
    accepted: dict[int, float] = {}
    load = await checkins_over_http(
        url, token, key_results, rate, count, on_accepted=lambda i, t: accepted.setdefault(i, t)
    )
    deadline = time.perf_counter() + settle_seconds

    def key(i: int) -> tuple[str, float]:
        return (key_results[i % len(key_results)], float(i + 1))

    while time.perf_counter() < deadline and any(key(i) not in reader.seen for i in accepted):
        await asyncio.sleep(0.05)
    reader.stop.set()
    thread.join()
    # A later check-in of the same key result can overwrite a value before the reader sees it.
    lags = [(reader.seen[key(i)] - t) * 1000 for i, t in accepted.items() if key(i) in reader.seen]
    return {
        "load": load,
        "observed": len(lags),
        "lag_ms": percentiles(lags),
        "lag_mean_ms": round(statistics.fmean(lags), 1) if lags else None,
    }


class Stack:
    """The goal, check-in and projection services on fresh databases and topics, with a seeded
    organisation and `objectives` objectives of `krs` key results each in an active cycle."""

    def __init__(self, objectives: int = 20, krs: int = 5, checkins_env: dict | None = None):
        self.n_objectives, self.n_krs = objectives, krs
        self.checkins_env = checkins_env or {}
        self.services: list[Any] = []

    def start(self) -> Stack:
        from okr_goals.cycles.commands import AdvanceCycle
        from okr_goals.objectives.commands import CreateObjective, NewKeyResult
        from okr_shared.identity import DevTokenIssuer
        from okr_shared.settings import AuthSettings
        from tests.bench.run import ADMIN, TENANT, new_database, seeded
        from tests.conftest import postgres_env
        from tests.support.infra import local_processes
        from tests.support.org import CYCLE
        from tests.support.processes import Process, free_port, wait_healthy

        infra = self.infra = local_processes()
        namespace = self.namespace = f"bench-{uuid.uuid4().hex[:8]}"
        goals_env = postgres_env(infra, new_database(infra))
        app = seeded(goals_env)
        app.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "bench"), ADMIN)
        self.key_results: list[str] = []
        self.objective_of: dict[str, str] = {}
        for i in range(self.n_objectives):
            command = CreateObjective(
                f"Objective {i}",
                "team",
                "org_unit",
                "web",
                CYCLE,
                key_results=tuple(
                    NewKeyResult(f"KR {k}", "percentage", start=0.0, target=100.0)
                    for k in range(self.n_krs)
                ),
            )
            objective = app.objectives.create_objective(command, ADMIN).objective
            for kr in objective.key_results:
                self.key_results.append(kr.key_result_id)
                self.objective_of[kr.key_result_id] = str(objective.id)
        self.checkins_db = new_database(infra)
        checkins_pg = postgres_env(infra, self.checkins_db, "CHECKINS")
        self.pg_env = postgres_env(infra, "x", "")
        self.pg_env["POSTGRES_DBNAME"] = new_database(infra)
        self.db = f"okr_bench_{uuid.uuid4().hex[:8]}"
        g, c, p = free_port(), free_port(), free_port()
        common = {
            "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "OKR_KAFKA_TOPIC_NAMESPACE": namespace,
        }
        self.services = [
            Process(
                "bench-goals", ["okr_goals.cli", "serve", "--port", str(g)], {**common, **goals_env}
            ),
            Process(
                "bench-checkins",
                ["okr_checkins.cli", "serve", "--port", str(c)],
                {
                    **common,
                    **checkins_pg,
                    "OKR_CHECKINS_GROUP": f"okr-bench-checkins-{uuid.uuid4().hex[:8]}",
                    "OKR_CHECKINS_REMINDERS_ENABLED": "false",
                    **self.checkins_env,
                },
            ),
            Process(
                "bench-projections",
                ["okr_projections.cli", "serve", "--port", str(p)],
                {
                    **common,
                    "OKR_MONGO_URL": infra.mongo_url,
                    "OKR_PROJECTIONS_DB": self.db,
                    "OKR_PROJECTIONS_GROUP": f"okr-bench-{uuid.uuid4().hex[:8]}",
                },
            ),
        ]
        for s in self.services:
            s.start()
        for port, s in zip((g, c, p), self.services, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}/health", s)
        self.goals_url, self.checkins_url = f"http://127.0.0.1:{g}", f"http://127.0.0.1:{c}"
        self.token = DevTokenIssuer(AuthSettings()).issue(TENANT, "ceo", ("admin",))
        self._wait_known()
        return self

    def _wait_known(self, seconds: float = 300) -> None:
        """Until the check-in service knows the last key result (it learns them from Kafka) and
        the read model holds the last objective."""
        from pymongo import MongoClient

        headers = {"Authorization": f"Bearer {self.token}"}
        last = self.key_results[-1]
        deadline = time.monotonic() + seconds
        with httpx.Client(base_url=self.checkins_url, headers=headers, timeout=30) as client:
            while client.post("/v1/check-ins", json=check_in_body(last, 0.0)).status_code != 201:
                if time.monotonic() > deadline:
                    raise RuntimeError("the check-in service did not learn the key results")
                time.sleep(0.2)
        collection = MongoClient(self.infra.mongo_url)[self.db]["objective_progress"]
        ids = sorted(set(self.objective_of.values()))
        while collection.count_documents({"_id": {"$in": ids}}) < len(ids):
            if time.monotonic() > deadline:
                raise RuntimeError("the read model did not catch up")
            time.sleep(0.2)

    def stop(self) -> None:
        for s in self.services:
            s.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.checkins")
    parser.add_argument("--rates", default="250,500", help="offered check-ins per second")
    parser.add_argument("--seconds", type=float, default=10, help="seconds of load per rate")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--lag-rate", type=float, default=200)
    parser.add_argument("--lag-seconds", type=float, default=10)
    parser.add_argument("--lag-key-results", type=int, default=0, help="0: all of them")
    parser.add_argument("--feed-batches", type=int, default=50)
    parser.add_argument("--baseline-saves", type=int, default=1000)
    parser.add_argument("--skip", default="", help="comma-separated: load,lag,feed,baseline")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(","))
    stack = Stack().start()
    results: dict[str, Any] = {"key_results": len(stack.key_results)}
    try:
        if "lag" not in skip:
            results[f"lag at {args.lag_rate:.0f}/s"] = asyncio.run(
                lag_under_load(
                    stack.checkins_url,
                    stack.token,
                    stack.key_results[: args.lag_key_results or None],
                    stack.objective_of,
                    stack.infra.mongo_url,
                    stack.db,
                    args.lag_rate,
                    int(args.lag_rate * args.lag_seconds),
                )
            )
        if "baseline" not in skip:
            results["eventsourcing_minimal_save_per_second"] = {
                "1 thread": round(minimal_saves(stack.pg_env, args.baseline_saves), 1),
                "16 threads": round(minimal_saves(stack.pg_env, args.baseline_saves, 16), 1),
            }
        if "load" not in skip:
            for rate in [float(r) for r in args.rates.split(",")]:
                results[f"check-ins at {rate:.0f}/s"] = asyncio.run(
                    checkins_over_http(
                        stack.checkins_url,
                        stack.token,
                        stack.key_results,
                        rate,
                        int(rate * args.seconds),
                        args.concurrency,
                    )
                )
        if "feed" not in skip:
            results["feed, batches of 100"] = asyncio.run(
                feed_over_http(
                    stack.checkins_url, stack.token, stack.key_results, args.feed_batches
                )
            )
    finally:
        stack.stop()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
