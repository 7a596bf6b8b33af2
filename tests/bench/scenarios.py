"""Open-loop scenarios on the running services: single check-ins over HTTP at rising offered
rates, the projection lag seen by a reader at a sustained 200 check-ins/s, integration-feed
batches of 100 values, objectives created over HTTP, and the services' memory."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from tests.bench import profiles
from tests.bench.load import Call, Load, Step, offer, ramp
from tests.bench.results import Figure
from tests.support.org import CYCLE
from tests.support.processes import Process, free_port, wait_healthy

CHECK_IN_RATES = (100, 200, 300, 400, 500, 600)
FEED_BATCH_RATES = (1, 2, 5, 10, 25, 50)
CREATE_RATES = (50, 100, 200, 300)
STEP_SECONDS = 5.0
LAG_RATE, LAG_SECONDS = 200, 10.0
LOW_LAG_RATE, LOW_LAG_SECONDS = 20, 5.0
PROFILE_SECONDS = 10.0
READ_FRESH_SECONDS = 0.01
EFFECTIVE_AT = "2026-03-01T12:00:00Z"


@dataclass
class Stack:
    """The goal service (with its relay), the check-in service and the projections, as
    processes on free loopback ports, sharing one Kafka namespace and a fresh read-model
    database; with replicas, every service runs that many times on the same databases and
    consumer groups (the projections: one consuming, the others serving reads)."""

    goals: str
    checkins: str
    mongo_url: str
    db: str
    processes: list[Process]
    headers: dict[str, str] = field(default_factory=dict)
    checkins_all: tuple[str, ...] = ()


def _name(service: str, replica: int) -> str:
    return f"bench-{service}" if replica == 0 else f"bench-{service}-{replica + 1}"


@contextmanager
def stack(
    infra,
    namespace: str,
    goals_env: dict[str, str],
    checkins_env: dict[str, str],
    token: str,
    replicas: int = 1,
) -> Iterator[Stack]:
    db, group = f"okr_bench_{uuid.uuid4().hex[:8]}", f"okr-bench-{uuid.uuid4().hex[:8]}"
    common = {"OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "OKR_KAFKA_TOPIC_NAMESPACE": namespace}
    checkins_group = f"okr-bench-checkins-{uuid.uuid4().hex[:8]}"
    processes, ports = [], []
    for r in range(replicas):
        g_port, c_port, p_port = free_port(), free_port(), free_port()
        ports += [g_port, c_port, p_port]
        processes += [
            Process(
                _name("goals-relay", r),
                ["okr_goals.cli", "serve", "--port", str(g_port)],
                {**common, **goals_env},
            ),
            Process(
                _name("checkins", r),
                ["okr_checkins.cli", "serve", "--port", str(c_port)],
                {
                    **common,
                    **checkins_env,
                    "OKR_CHECKINS_GROUP": checkins_group,
                    "OKR_CHECKINS_REMINDERS_ENABLED": "false",
                },
            ),
            Process(
                _name("projections", r),
                ["okr_projections.cli", "serve", "--port", str(p_port)],
                {
                    **common,
                    "OKR_MONGO_URL": infra.mongo_url,
                    "OKR_PROJECTIONS_DB": db,
                    "OKR_PROJECTIONS_GROUP": group,
                    "OKR_PROJECTIONS_CONSUME": "true" if r == 0 else "false",
                },
            ),
        ]
    for p in processes:
        p.start()
    try:
        for p, port in zip(processes, ports, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}/health", p)
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        yield Stack(
            urls[0],
            urls[1],
            infra.mongo_url,
            db,
            processes,
            {"Authorization": f"Bearer {token}"},
            tuple(urls[1::3]),
        )
    finally:
        for p in processes:
            p.stop()


def objective_body(i: int, key_results: int = 3) -> dict[str, Any]:
    return {
        "title": f"Load objective {i}",
        "owner_type": "org_unit",
        "owner_id": "web",
        "level": "team",
        "cycle_id": CYCLE,
        "key_results": [
            {"title": f"KR {k}", "kind": "increase_to", "start": 0, "target": 1e9, "weight": 1.0}
            for k in range(key_results)
        ],
    }


def check_in_body(key_result_id: str, value: float) -> dict[str, Any]:
    return {
        "key_result_id": key_result_id,
        "value": value,
        "confidence": 7,
        "effective_at": EFFECTIVE_AT,
    }


def prepare(s: Stack, objectives: int = 100) -> list[tuple[str, str]]:
    """An active cycle with `objectives` objectives of 3 key results each, every key result
    known to the check-in service (one check-in of it accepted): (objective, key result) ids."""
    with httpx.Client(headers=s.headers, timeout=30) as client:
        if client.get(f"{s.goals}/v1/cycles/{CYCLE}").json()["state"] != "active":
            client.post(
                f"{s.goals}/v1/cycles/{CYCLE}/state", json={"state": "active", "reason": "bench"}
            ).raise_for_status()
        krs = []
        for i in range(objectives):
            created = client.post(f"{s.goals}/v1/objectives", json=objective_body(i))
            created.raise_for_status()
            o = created.json()
            krs += [(o["objective_id"], k["key_result_id"]) for k in o["key_results"]]
        deadline = time.monotonic() + 600
        for _, kr in krs:
            while (
                r := client.post(f"{s.checkins}/v1/check-ins", json=check_in_body(kr, 1))
            ).status_code != 201:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the check-in service never knew {kr}: {r.text}")
                time.sleep(0.2)
    return krs


class CheckIns:
    """Single check-ins spread round-robin over the key results, with values rising across the
    whole run, so a key result's current value at or above a check-in's value means the read
    model has applied it."""

    def __init__(self, krs: list[tuple[str, str]]) -> None:
        self.krs, self.values = krs, itertools.count(2)
        self.expected: dict[int, tuple[str, str, float]] = {}

    def make(self, i: int) -> Call:
        oid, kr = self.krs[i % len(self.krs)]
        value = float(next(self.values))
        self.expected[i] = (oid, kr, value)
        return Call("POST", "/v1/check-ins", check_in_body(kr, value))

    def feed(self, i: int, size: int = 100) -> Call:
        items = []
        for j in range(size):
            _, kr = self.krs[(i * size + j) % len(self.krs)]
            items.append(
                {**check_in_body(kr, float(next(self.values))), "idempotency_key": uuid.uuid4().hex}
            )
        return Call("POST", "/v1/integrations/check-ins", {"items": items})


def _step(load: Load, rate: float, seconds: float = STEP_SECONDS) -> Step:
    step = asyncio.run(offer(load, rate, int(rate * seconds), seconds))
    show(load.url, step)
    return step


def show(url: str, step: Step) -> None:
    s = step.summary()
    print(
        f"[bench]   {url} offered {s['offered']}/s: achieved {s['achieved']:.0f}/s, "
        f"p50 {s['latency_ms']['p50']:.0f} ms, p99 {s['latency_ms']['p99']:.0f} ms, "
        f"late {s['late']}, errors {s['errors']}, lag p99 {s['lag_ms']['p99']:.0f} ms",
        flush=True,
    )


def check_in_ramp(s: Stack, calls: CheckIns) -> list[Step]:
    load = Load(s.checkins, calls.make, s.headers, concurrency=32)
    return ramp(CHECK_IN_RATES, lambda rate: _step(load, rate))


def check_in_lag(
    s: Stack, calls: CheckIns, rate: float = LAG_RATE, seconds: float = LAG_SECONDS
) -> Step:
    """A sustained 200 check-ins/s with a reader polling the read model for each one."""

    async def run() -> Step:
        client: AsyncMongoClient = AsyncMongoClient(s.mongo_url)
        progress = client[s.db]["objective_progress"]
        loop = asyncio.get_running_loop()
        reads: dict[str, tuple[float, asyncio.Future]] = {}

        async def read(oid: str) -> dict[str, Any]:
            """The objective's document, read at most once per READ_FRESH_SECONDS for all the
            check-ins waiting on it (one read per check-in would load the store the projections
            write to); a check-in is seen at most that much later than it could be."""
            now = loop.time()
            got = reads.get(oid)
            if got is None or now - got[0] > READ_FRESH_SECONDS:
                got = (
                    now,
                    asyncio.ensure_future(progress.find_one({"_id": oid}, {"key_results": 1})),
                )
                reads[oid] = got
            return await asyncio.shield(got[1]) or {}

        async def visible(index: int, response: httpx.Response) -> bool:
            oid, kr, value = calls.expected[index]
            doc = await read(oid)
            return any(
                k.get("key_result_id") == kr and (k.get("current") or 0) >= value
                for k in doc.get("key_results", [])
            )

        load = Load(s.checkins, calls.make, s.headers, concurrency=32, visible=visible)
        try:
            step = await offer(load, rate, int(rate * seconds), seconds)
            show(load.url, step)
            return step
        finally:
            await client.close()

    return asyncio.run(run())


def profiled(s: Stack, calls: CheckIns, directory: Path) -> list[dict[str, Any]]:
    """Each service's profile while check-ins flow at the sustained rate (tests/bench/profiles.py);
    a step of its own, so the sampler's cost touches no other figure."""
    load = Load(s.checkins, calls.make, s.headers, concurrency=32)
    with profiles.sampled(s.processes, int(PROFILE_SECONDS), directory) as found:
        _step(load, LAG_RATE, PROFILE_SECONDS)
    return found


def feed_ramp(s: Stack, calls: CheckIns) -> list[Step]:
    """Batches of 100 values; a batch counts as accepted only when every item was recorded."""
    load = Load(
        s.checkins,
        calls.feed,
        s.headers,
        concurrency=32,
        accepted=lambda r: r.status_code == 200,
    )
    return ramp(FEED_BATCH_RATES, lambda rate: _step(load, rate))


def create_ramp(s: Stack) -> list[Step]:
    load = Load(s.goals, lambda i: Call("POST", "/v1/objectives", objective_body(i, 1)), s.headers)
    return ramp(CREATE_RATES, lambda rate: _step(load, rate))


def sustained(
    steps: list[dict[str, Any]], p99_ms: float | None = None, keep_up: bool = True
) -> float:
    """The best achieved rate among the steps without errors that (with `keep_up`) kept up with
    their offered rate (95 %) and, with `p99_ms`, kept p99 within it; 0 when none did."""
    good = [
        s["achieved"]
        for s in steps
        if not s["errors"]
        and not s["unsent"]
        and (not keep_up or s["achieved"] >= 0.95 * s["offered"])
        and (p99_ms is None or s["latency_ms"]["p99"] <= p99_ms)
    ]
    return max(good, default=0.0)


def rss_mb(process: Process) -> tuple[float, float]:
    """(current, peak) resident memory of a running process, in MB."""
    status = Path(f"/proc/{process.proc.pid}/status").read_text().splitlines()
    kb = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith("Vm")}
    return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024


def memory_figures(idle: dict[str, float], peak: dict[str, float]) -> list[Figure]:
    def worst(values: dict[str, float]) -> str:
        return ", ".join(f"{k} {v:.0f}" for k, v in values.items())

    return [
        Figure("rss.idle", "largest service RSS, idle", max(idle.values()), "MB", note=worst(idle)),
        Figure(
            "rss.load",
            "largest service RSS peak under the loads",
            max(peak.values()),
            "MB",
            note=worst(peak),
        ),
    ]
