"""The web server as a process in front of a real goal-service process (PostgreSQL, Kafka): the
services' answers pass through unchanged (statuses, problems, Idempotency-Key), development
sign-in reads the real directory and its tokens are accepted, and a stopped service is a 502."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import postgres_env
from tests.support.infra import Infra
from tests.support.processes import Process, free_port, wait_healthy
from tests.support.web import demo_org

pytestmark = pytest.mark.integration


@dataclass
class Pair:
    web: str
    goals: Process
    tenant: str


@pytest.fixture
def pair(infra: Infra, postgres_db: str, tmp_path) -> Iterator[Pair]:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>okr</title>")
    tenant = f"web-{uuid.uuid4().hex[:8]}"
    goals_port, web_port = free_port(), free_port()
    goals = Process(
        "goals",
        ["okr_goals.cli", "serve", "--port", str(goals_port)],
        {
            **postgres_env(infra, postgres_db),
            "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
            "OKR_KAFKA_TOPIC_NAMESPACE": f"web-{uuid.uuid4().hex[:8]}",
            "OKR_GOALS_RELAY_ENABLED": "false",
        },
    )
    web = Process(
        "web",
        ["okr_web.cli", "serve", "--port", str(web_port)],
        {
            "OKR_WEB_GOALS_URL": f"http://127.0.0.1:{goals_port}",
            "OKR_WEB_READY_SERVICES": "goals",
            "OKR_WEB_DIST": str(dist),
            "OKR_WEB_DEV_TENANT": tenant,
        },
    )
    goals.start()
    web.start()
    try:
        wait_healthy(f"http://127.0.0.1:{goals_port}/health/ready", goals)
        wait_healthy(f"http://127.0.0.1:{web_port}/health/ready", web)
        yield Pair(f"http://127.0.0.1:{web_port}", goals, tenant)
    finally:
        web.stop()
        goals.stop()


def test_the_goal_service_answers_through_the_web_server(pair: Pair, issuer) -> None:
    demo = demo_org()
    admin = {"Authorization": f"Bearer {issuer.issue(pair.tenant, demo.CEO, ('admin',))}"}
    with httpx.Client(base_url=pair.web, timeout=30) as web:
        r = web.get("/api/goals/v1/cycles")
        assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
        assert r.json()["errors"][0]["pointer"] == "header:Authorization"

        directory = {"org_units": demo.ORG_UNITS, "people": demo.PEOPLE}
        r = web.post("/api/goals/v1/directory/import", json=directory, headers=admin)
        assert r.status_code == 200, r.text
        cycle = {
            "cycle_id": "q1",
            "name": "Q1",
            "cadence": "quarterly",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-31",
        }
        assert web.post("/api/goals/v1/cycles", json=cycle, headers=admin).status_code == 201

        r = web.post("/api/goals/v1/cycles", json={**cycle, "ends_on": "x"}, headers=admin)
        assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
        assert "#/ends_on" in [e["pointer"] for e in r.json()["errors"]]

        people = {p["person_id"]: p for p in web.get("/auth/dev/people").json()["people"]}
        assert people[demo.CEO]["roles"] == ["admin", "leader"]
        signed = web.post("/auth/dev/token", json={"person_id": "ana@shopco.example"}).json()
        ana = {"Authorization": f"Bearer {signed['access_token']}"}

        objective = {
            "title": "Ship the payments revamp",
            "level": "individual",
            "owner_id": "ana@shopco.example",
            "cycle_id": "q1",
        }
        key = {**ana, "Idempotency-Key": f"web-{uuid.uuid4().hex}"}
        first = web.post("/api/goals/v1/objectives", json=objective, headers=key)
        again = web.post("/api/goals/v1/objectives", json=objective, headers=key)
        assert (first.status_code, again.status_code) == (201, 200), first.text
        assert first.json()["objective_id"] == again.json()["objective_id"]

        r = web.get("/api/goals/v1/cycles", params={"limit": "x"}, headers=ana)
        listed = web.get("/api/goals/v1/cycles", headers=ana)
        assert r.status_code == 422 and listed.status_code == 200
        assert [c["cycle_id"] for c in listed.json()["items"]] == ["q1"]

        pair.goals.stop()
        r = web.get("/api/goals/v1/cycles", headers=ana)
        assert r.status_code == 502 and r.json()["service"] == "goals"
        assert web.get("/health/ready").status_code == 503
