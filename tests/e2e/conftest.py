"""Real service processes (uvicorn over TCP) on the real Kafka, PostgreSQL and document store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from okr_shared.identity import DevTokenIssuer
from tests.conftest import postgres_env
from tests.support import org
from tests.support.infra import Infra, create_databases, drop_databases
from tests.support.processes import Process, free_port, wait_healthy


@dataclass
class Stack:
    infra: Infra
    goals_url: str
    projections_url: str
    goals: Process
    relay: Process
    projections: Process
    consumer_group: str
    namespace: str
    checkins_url: str
    checkins: Process

    def topic(self, name: str) -> str:
        """The stack's own topic: every e2e module runs on fresh topics."""
        return f"{self.namespace}.{name}"


@pytest.fixture(scope="module")
def stack(infra: Infra) -> Iterator[Stack]:
    with running_stack(infra) as running:
        yield running


@contextmanager
def running_stack(infra: Infra, env: dict[str, str] | None = None) -> Iterator[Stack]:
    """The goal service with its relay, the check-in service and the projections on fresh
    databases and topics; `env` adds settings to every process (e.g. how tokens are verified)."""

    databases = [f"okr_e2e_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    create_databases(infra, *databases)
    group = f"okr-projections-e2e-{uuid.uuid4().hex[:8]}"
    namespace = f"e2e-{uuid.uuid4().hex[:8]}"
    common = {
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": namespace,
        **(env or {}),
    }
    goals_env = {**common, **postgres_env(infra, databases[0]), "OKR_GOALS_RELAY_ENABLED": "false"}
    checkins_env = {
        **common,
        **postgres_env(infra, databases[1], "CHECKINS"),
        "OKR_CHECKINS_GROUP": f"okr-checkins-e2e-{uuid.uuid4().hex[:8]}",
        "OKR_CHECKINS_REMINDERS_ENABLED": "false",
    }
    goals_port, checkins_port, projections_port = free_port(), free_port(), free_port()
    goals = Process("goals", ["okr_goals.cli", "serve", "--port", str(goals_port)], goals_env)
    relay = Process("relay", ["okr_goals.cli", "relay"], goals_env)
    checkins = Process(
        "checkins",
        ["okr_checkins.cli", "serve", "--port", str(checkins_port)],
        checkins_env,
    )
    projections = Process(
        "projections",
        ["okr_projections.cli", "serve", "--port", str(projections_port)],
        {
            **common,
            "OKR_MONGO_URL": infra.mongo_url,
            "OKR_PROJECTIONS_DB": f"okr_e2e_{uuid.uuid4().hex[:8]}",
            "OKR_PROJECTIONS_GROUP": group,
        },
    )
    processes = (goals, relay, checkins, projections)
    for p in processes:
        p.start()
    try:
        wait_healthy(f"http://127.0.0.1:{goals_port}/health", goals)
        wait_healthy(f"http://127.0.0.1:{checkins_port}/health", checkins)
        wait_healthy(f"http://127.0.0.1:{projections_port}/health", projections)
        yield Stack(
            infra,
            f"http://127.0.0.1:{goals_port}",
            f"http://127.0.0.1:{projections_port}",
            goals,
            relay,
            projections,
            group,
            namespace,
            f"http://127.0.0.1:{checkins_port}",
            checkins,
        )
    finally:
        for p in processes:
            p.stop()
        drop_databases(infra, *databases)


@dataclass
class Org:
    """A tenant set up over HTTP with the test org and its cycles; `headers` speaks as anyone."""

    tenant: str
    issuer: DevTokenIssuer

    def headers(
        self, actor: str = "ceo", admin: bool = False, roles: tuple[str, ...] = ()
    ) -> dict[str, str]:
        token = self.issuer.issue(
            self.tenant, actor, roles=(*roles, *(("admin",) if admin else ()))
        )
        return {"Authorization": f"Bearer {token}"}

    @property
    def admin(self) -> dict[str, str]:
        return self.headers("ceo", admin=True)


CYCLES = [
    {
        "cycle_id": org.CYCLE,
        "name": "Q1 2026",
        "cadence": "quarterly",
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
    },
    {
        "cycle_id": org.NEXT_CYCLE,
        "name": "Q2 2026",
        "cadence": "quarterly",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
    },
    {
        "cycle_id": "burst",
        "name": "Load",
        "cadence": "custom",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
    },
]


@pytest.fixture(scope="module")
def tenant(stack: Stack, issuer: DevTokenIssuer) -> Org:
    """A fresh tenant with the test organisation, imported and planned through the goal service."""
    setup = Org(f"tenant-{uuid.uuid4().hex[:8]}", issuer)
    body = {"org_units": org.ORG_UNITS, "people": org.PEOPLE}
    r = httpx.post(f"{stack.goals_url}/v1/directory/import", json=body, headers=setup.admin)
    assert r.status_code == 200, r.text
    for cycle in CYCLES:
        assert (
            httpx.post(f"{stack.goals_url}/v1/cycles", json=cycle, headers=setup.admin).status_code
            == 201
        )
    return setup


@dataclass
class ReviewService:
    url: str
    process: Process
    consumer_group: str


@pytest.fixture(scope="module")
def reviews(stack: Stack) -> Iterator[ReviewService]:
    """The review service as a process beside the stack: its own PostgreSQL database and
    consumer group, on the stack's topics."""

    infra = stack.infra
    dbname = f"okr_e2e_{uuid.uuid4().hex[:10]}"
    create_databases(infra, dbname)
    group = f"okr-reviews-e2e-{uuid.uuid4().hex[:8]}"
    env = {
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": stack.namespace,
        **postgres_env(infra, dbname, "REVIEWS"),
        "OKR_REVIEWS_GROUP": group,
    }
    port = free_port()
    process = Process("reviews", ["okr_reviews.cli", "serve", "--port", str(port)], env)
    process.start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health/ready", process)
        yield ReviewService(f"http://127.0.0.1:{port}", process, group)
    finally:
        process.stop()
        drop_databases(infra, dbname)


@dataclass
class IncentiveService:
    url: str
    process: Process
    consumer_group: str
    event_store: dict[str, str]
    """eventsourcing's settings of the service's own PostgreSQL database (to read it back)."""


@pytest.fixture(scope="module")
def incentives(stack: Stack) -> Iterator[IncentiveService]:
    """The incentive service as a process beside the stack: its own PostgreSQL database and
    consumer group, on the stack's topics."""

    infra = stack.infra
    dbname = f"okr_e2e_{uuid.uuid4().hex[:10]}"
    create_databases(infra, dbname)
    group = f"okr-incentives-e2e-{uuid.uuid4().hex[:8]}"
    store = postgres_env(infra, dbname, "INCENTIVES")
    env = {
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": stack.namespace,
        **store,
        "OKR_INCENTIVES_GROUP": group,
    }
    port = free_port()
    process = Process("incentives", ["okr_incentives.cli", "serve", "--port", str(port)], env)
    process.start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health/ready", process)
        yield IncentiveService(f"http://127.0.0.1:{port}", process, group, store)
    finally:
        process.stop()
        drop_databases(infra, dbname)
