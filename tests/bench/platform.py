"""The platform's own measures: event-store appends, HTTP creates, the relay, projection lag, time
travel and rebuilds, on the real Kafka, PostgreSQL and FerretDB."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from pymongo import MongoClient

from okr_goals.alignment.commands import Align
from okr_goals.bootstrap import GoalFeatures, bootstrap, compose
from okr_goals.objectives.commands import Change, CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.settings import GoalsSettings
from okr_goals.store import GoalsStore
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.bench.load import Call, closed_loop
from tests.conftest import postgres_env
from tests.support.goals import goal_features
from tests.support.infra import Infra, create_databases
from tests.support.org import CYCLE, caller, seed

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
    create_databases(infra, name)
    return name


def bench_append(env: dict[str, str], n: int) -> float:
    app = seeded(env)
    start = time.perf_counter()
    for i in range(n):
        app.objectives.create_objective(command(i), ADMIN)
    return n / (time.perf_counter() - start)


def bench_http(url: str, token: str, seconds: float = 5.0, workers: int = 16) -> float:
    """Objectives created per second over HTTP by `workers` closed-loop clients, the same
    clients as the empty-FastAPI baseline."""
    headers = {"Authorization": f"Bearer {token}"}
    rate, failed = asyncio.run(
        closed_loop(url, lambda i: Call("POST", "/v1/objectives", BODY), workers, seconds, headers)
    )
    if failed:
        raise RuntimeError(f"{failed} objective creations failed")
    return rate


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


def bench_load_10k(env: dict[str, str], events: int = 10_000) -> dict[str, float]:
    """Loads of a 10,000-event objective from the event store of `env`: now and as of its
    middle, with and without snapshots."""
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


def bench_tree(env: dict[str, str], n: int = 300) -> tuple[float, float]:
    """Rebuilds a cycle's alignment tree of `n` objectives from the event store of `env`, now
    and as of halfway."""
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


@dataclass(frozen=True)
class Bench:
    """What a measure gets: the infrastructure, this run's Kafka namespace, an admin token of
    the bench tenant and a scratch directory. A measure is a function of a Bench returning
    figures (tests.bench.results.Figure)."""

    infra: Infra
    kafka: KafkaSettings
    namespace: str
    token: str
    tmp: Path


def service_envs(bench: Bench) -> tuple[dict[str, str], dict[str, str]]:
    """The goal service's (seeded) and the check-in service's event stores, fresh databases."""
    goals_env = postgres_env(bench.infra, new_database(bench.infra))
    seeded(goals_env)
    checkins_env = postgres_env(bench.infra, new_database(bench.infra), "CHECKINS")
    return goals_env, checkins_env
