"""`GET /metrics` of real service processes on the real Kafka, PostgreSQL and document store:
the goal service counts its requests and its relay's backlog returns to 0; the projections'
consumer lag per partition is reported and returns to 0; a poisoned record is counted as a dead
letter; without the scrape token (or an admin token) the answer is 401."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from okr_shared.messaging import GOALS_TOPIC
from tests.conftest import postgres_env
from tests.support import org
from tests.support.infra import Infra, create_databases, drop_databases
from tests.support.kafka_records import cycle_planned, poisoned, produce
from tests.support.processes import Process, free_port, wait_for, wait_healthy

TOKEN = f"scrape-{uuid.uuid4().hex}"
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Services:
    goals_url: str
    projections_url: str
    namespace: str
    group: str


@pytest.fixture(scope="module")
def services(infra: Infra) -> Iterator[Services]:
    run = uuid.uuid4().hex[:8]
    dbname = f"okr_metrics_{run}"
    create_databases(infra, dbname)
    namespace, group = f"metrics-{run}", f"okr-projections-metrics-{run}"
    common = {
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": namespace,
        "OKR_METRICS_TOKEN": TOKEN,
    }
    goals_port, projections_port = free_port(), free_port()
    goals = Process(
        "goals-metrics",
        ["okr_goals.cli", "serve", "--port", str(goals_port)],
        {**common, **postgres_env(infra, dbname)},
    )
    projections = Process(
        "projections-metrics",
        ["okr_projections.cli", "serve", "--port", str(projections_port)],
        {
            **common,
            "OKR_MONGO_URL": infra.mongo_url,
            "OKR_PROJECTIONS_DB": f"okr_metrics_{run}",
            "OKR_PROJECTIONS_GROUP": group,
        },
    )
    for p in (goals, projections):
        p.start()
    try:
        wait_healthy(f"http://127.0.0.1:{goals_port}/health/ready", goals)
        wait_healthy(f"http://127.0.0.1:{projections_port}/health/ready", projections)
        yield Services(
            f"http://127.0.0.1:{goals_port}",
            f"http://127.0.0.1:{projections_port}",
            namespace,
            group,
        )
    finally:
        for p in (goals, projections):
            p.stop()
        drop_databases(infra, dbname)


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the service's metrics, by name and sorted labels."""
    r = httpx.get(f"{url}/metrics", headers=SCRAPE, timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def value(samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def lag_of(samples, group: str, topic: str) -> dict[str, float]:
    return {
        dict(labels)["partition"]: v
        for (name, labels), v in samples.items()
        if name == "okr_consumer_lag_records"
        and dict(labels)["group"] == group
        and dict(labels)["topic"] == topic
    }


@pytest.fixture(scope="module")
def tenant(services: Services, issuer) -> dict[str, str]:
    token = issuer.issue(f"t-{uuid.uuid4().hex[:8]}", "ceo", roles=("admin",))
    admin = {"Authorization": f"Bearer {token}"}
    body = {"org_units": org.ORG_UNITS, "people": org.PEOPLE}
    r = httpx.post(f"{services.goals_url}/v1/directory/import", json=body, headers=admin)
    assert r.status_code == 200, r.text
    cycle = {
        "cycle_id": org.CYCLE,
        "name": "Q1 2026",
        "cadence": "quarterly",
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
    }
    assert (
        httpx.post(f"{services.goals_url}/v1/cycles", json=cycle, headers=admin).status_code == 201
    )
    return admin


@pytest.mark.parametrize("header", [None, "Bearer not-the-token"])
def test_metrics_without_the_token_are_401_on_both_services(services, header):
    headers = {} if header is None else {"Authorization": header}
    for url in (services.goals_url, services.projections_url):
        r = httpx.get(f"{url}/metrics", headers=headers, timeout=5)
        assert r.status_code == 401 and "okr_" not in r.text


def test_created_objectives_are_counted_and_the_relay_backlog_returns_to_zero(services, tenant):
    created = {"method": "POST", "route": "/v1/objectives", "status": "201"}
    before = value(scrape(services.goals_url), "okr_http_requests_total", **created) or 0
    for n in range(3):
        body = {
            "title": f"Measured {n}",
            "owner_type": "org_unit",
            "owner_id": "acme",
            "level": "company",
            "cycle_id": org.CYCLE,
        }
        r = httpx.post(f"{services.goals_url}/v1/objectives", json=body, headers=tenant)
        assert r.status_code == 201, r.text
    samples = scrape(services.goals_url)
    assert value(samples, "okr_http_requests_total", **created) == before + 3
    assert value(samples, "okr_http_request_duration_seconds_count", **created) == before + 3

    def relayed():
        samples = scrape(services.goals_url)
        backlog = value(samples, "okr_relay_backlog_events", relay="goals-relay")
        return samples if backlog == 0 else None

    samples = wait_for(relayed, seconds=30, interval=0.2)
    assert value(samples, "okr_relay_leader", relay="goals-relay") == 1
    assert not value(samples, "okr_relay_publish_failures_total", relay="goals-relay")


def test_the_projections_lag_per_partition_returns_to_zero(services, tenant):
    topic = f"{services.namespace}.{GOALS_TOPIC}"

    def caught_up():
        lag = lag_of(scrape(services.projections_url), services.group, topic)
        return lag if lag and all(v == 0 for v in lag.values()) else None

    lag = wait_for(caught_up, seconds=60, interval=0.3)
    assert set(lag) and all(p.isdigit() for p in lag)
    samples = scrape(services.projections_url)
    assert value(samples, "okr_consumer_records_total", group=services.group, topic=topic) > 0
    assert value(samples, "okr_projection_lag_seconds_count", topic=topic) > 0


def test_a_poisoned_record_is_counted_as_a_dead_letter(services, tenant, infra):
    topic = f"{services.namespace}.{GOALS_TOPIC}"
    labels = {"group": services.group, "reason": "undecodable"}
    before = value(scrape(services.projections_url), "okr_dead_letters_total", **labels) or 0
    good = cycle_planned(f"c-{uuid.uuid4().hex[:6]}", f"t-{uuid.uuid4().hex[:8]}")
    asyncio.run(produce(infra.kafka_bootstrap, topic, poisoned(good), good))

    def counted():
        samples = scrape(services.projections_url)
        return (value(samples, "okr_dead_letters_total", **labels) or 0) > before

    wait_for(counted, seconds=30, interval=0.3)

    def caught_up():
        lag = lag_of(scrape(services.projections_url), services.group, topic)
        return lag if lag and all(v == 0 for v in lag.values()) else None

    assert wait_for(caught_up, seconds=30, interval=0.3)
