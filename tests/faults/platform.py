"""Every service of the platform as processes on the private cluster, on fresh databases, topics
and consumer groups: the goal API (its relay off) and two relay replicas, the check-in, review,
incentive and projections services."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings
from tests.conftest import postgres_env
from tests.support.goals import goal_features
from tests.support.infra import Infra, create_databases, drop_databases
from tests.support.org import seed
from tests.support.processes import Process, free_port, wait_healthy

TENANTS = ("faults-a", "faults-b", "faults-c")
LEASE_SECONDS = 5
"""The relay leaders' lease (shorter than the pauses, so a paused leader loses it)."""


@dataclass
class Service:
    """One process of the platform; `url` is empty for a process without HTTP."""

    process: Process
    url: str = ""

    @property
    def name(self) -> str:
        return self.process.name

    def start(self) -> None:
        self.process.start()

    def wait(self, seconds: float = 120) -> None:
        if self.url:
            wait_healthy(f"{self.url}/health/ready", self.process, seconds)

    def kill(self) -> None:
        self.resume()
        self.process.kill()

    def restart(self) -> None:
        self.kill()
        self.start()
        self.wait()

    def pause(self) -> None:
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)

    def _signal(self, sig: signal.Signals) -> None:
        proc = self.process.proc
        if proc and proc.poll() is None:
            os.kill(proc.pid, sig)


@dataclass
class Platform:
    infra: Infra
    namespace: str
    databases: dict[str, str]
    mongo_db: str
    groups: dict[str, str]
    services: dict[str, Service] = field(default_factory=dict)
    issuer: DevTokenIssuer = field(default_factory=lambda: DevTokenIssuer(AuthSettings()))

    def url(self, name: str) -> str:
        return self.services[name].url

    def headers(self, tenant: str) -> dict[str, str]:
        token = self.issuer.issue(tenant, "ceo", ("admin",))
        return {"Authorization": f"Bearer {token}"}

    def topic(self, name: str) -> str:
        return f"{self.namespace}.{name}"


def _services(p: Platform) -> dict[str, Service]:
    common = {
        "OKR_KAFKA_BOOTSTRAP": p.infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": p.namespace,
        "OKR_LEADER_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    goals = {**common, **postgres_env(p.infra, p.databases["goals"])}
    out: dict[str, Service] = {}

    def http(name: str, module: str, env: dict[str, str]) -> None:
        port = free_port()
        out[name] = Service(
            Process(f"faults-{name}", [module, "serve", "--port", str(port)], env),
            f"http://127.0.0.1:{port}",
        )

    http("goals", "okr_goals.cli", {**goals, "OKR_GOALS_RELAY_ENABLED": "false"})
    for r in (1, 2):
        out[f"goals-relay-{r}"] = Service(
            Process(f"faults-goals-relay-{r}", ["okr_goals.cli", "relay"], goals)
        )
    http(
        "checkins",
        "okr_checkins.cli",
        {
            **common,
            **postgres_env(p.infra, p.databases["checkins"], "CHECKINS"),
            "OKR_CHECKINS_GROUP": p.groups["checkins"],
            "OKR_CHECKINS_REMINDERS_ENABLED": "false",
        },
    )
    http(
        "reviews",
        "okr_reviews.cli",
        {
            **common,
            **postgres_env(p.infra, p.databases["reviews"], "REVIEWS"),
            "OKR_REVIEWS_GROUP": p.groups["reviews"],
            "OKR_REVIEWS_GRADING_REMINDERS_ENABLED": "false",
        },
    )
    http(
        "incentives",
        "okr_incentives.cli",
        {
            **common,
            **postgres_env(p.infra, p.databases["incentives"], "INCENTIVES"),
            "OKR_INCENTIVES_GROUP": p.groups["incentives"],
        },
    )
    http(
        "projections",
        "okr_projections.cli",
        {
            **common,
            "OKR_MONGO_URL": p.infra.mongo_url,
            "OKR_PROJECTIONS_DB": p.mongo_db,
            "OKR_PROJECTIONS_GROUP": p.groups["projections"],
        },
    )
    return out


@contextmanager
def platform(infra: Infra) -> Iterator[Platform]:
    """The platform on fresh databases and topics, every tenant's directory and cycles seeded."""
    tag = uuid.uuid4().hex[:8]
    databases = {s: f"okr_faults_{s}_{tag}" for s in ("goals", "checkins", "reviews", "incentives")}
    create_databases(infra, *databases.values())
    p = Platform(
        infra,
        f"faults-{tag}",
        databases,
        f"okr_faults_{tag}",
        {s: f"okr-faults-{s}-{tag}" for s in ("checkins", "reviews", "incentives", "projections")},
    )
    features = goal_features(env=postgres_env(infra, databases["goals"]))
    for tenant in TENANTS:
        seed(features, tenant)
    p.services = _services(p)
    try:
        for s in p.services.values():
            s.start()
        for s in p.services.values():
            s.wait()
        yield p
    finally:
        for s in p.services.values():
            s.resume()
            s.process.stop()
        drop_databases(infra, *databases.values())
