"""One trace in Jaeger from the HTTP create (goal service) through the outbox relay's publish to
the projection update (projections service): the real processes export over OTLP to the local
Jaeger (`deploy/local/jaeger.sh`), and the trace is read back from Jaeger's query API."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from tests.conftest import postgres_env
from tests.e2e.conftest import CYCLES, Org
from tests.support import org
from tests.support.infra import Infra, create_databases, drop_databases, jaeger
from tests.support.processes import Process, free_port, wait_for, wait_healthy


@dataclass
class Traced:
    goals_url: str
    projections_url: str
    query_url: str
    goals_service: str
    projections_service: str
    topic: str


@pytest.fixture(scope="module")
def traced(infra: Infra) -> Iterator[Traced]:
    """The goal service (its relay inside) and the projections service, each exporting its
    spans to Jaeger under a service name of this run, on a fresh database and topics."""
    otlp, query = jaeger(infra)
    run = uuid.uuid4().hex[:8]
    dbname = f"okr_trace_{run}"
    create_databases(infra, dbname)
    namespace = f"trace-{run}"
    common = {
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": namespace,
        "OTEL_EXPORTER_OTLP_ENDPOINT": otlp,
        "OTEL_BSP_SCHEDULE_DELAY": "200",
    }
    names = (f"okr-goals-{run}", f"okr-projections-{run}")
    goals_port, projections_port = free_port(), free_port()
    goals = Process(
        "goals-traced",
        ["okr_goals.cli", "serve", "--port", str(goals_port)],
        {**common, **postgres_env(infra, dbname), "OTEL_SERVICE_NAME": names[0]},
    )
    projections = Process(
        "projections-traced",
        ["okr_projections.cli", "serve", "--port", str(projections_port)],
        {
            **common,
            "OTEL_SERVICE_NAME": names[1],
            "OKR_MONGO_URL": infra.mongo_url,
            "OKR_PROJECTIONS_DB": f"okr_trace_{run}",
            "OKR_PROJECTIONS_GROUP": f"okr-projections-trace-{run}",
        },
    )
    for p in (goals, projections):
        p.start()
    try:
        wait_healthy(f"http://127.0.0.1:{goals_port}/health/ready", goals)
        wait_healthy(f"http://127.0.0.1:{projections_port}/health/ready", projections)
        yield Traced(
            f"http://127.0.0.1:{goals_port}",
            f"http://127.0.0.1:{projections_port}",
            query,
            *names,
            f"{namespace}.okr.goals.v1",
        )
    finally:
        for p in (goals, projections):
            p.stop()
        drop_databases(infra, dbname)


def traces_of(query_url: str, service: str) -> list[dict]:
    r = httpx.get(
        f"{query_url}/api/traces",
        params={"service": service, "limit": 50, "lookback": "1h"},
        timeout=5,
    )
    return r.json().get("data") or [] if r.status_code == 200 else []


def spans_by_service(trace: dict) -> dict[tuple[str, str], dict]:
    """Every span of a Jaeger trace by (service, span name)."""
    processes = {key: p["serviceName"] for key, p in trace["processes"].items()}
    return {(processes[s["processID"]], s["operationName"]): s for s in trace["spans"]}


def parent_of(span: dict) -> str | None:
    return next(
        (r["spanID"] for r in span.get("references", []) if r["refType"] == "CHILD_OF"), None
    )


def test_one_trace_spans_the_http_request_the_relay_publish_and_the_projection(traced, issuer):
    setup = Org(f"trace-{uuid.uuid4().hex[:8]}", issuer)
    body = {"org_units": org.ORG_UNITS, "people": org.PEOPLE}
    r = httpx.post(f"{traced.goals_url}/v1/directory/import", json=body, headers=setup.admin)
    assert r.status_code == 200, r.text
    cycle = CYCLES[0]
    r = httpx.post(f"{traced.goals_url}/v1/cycles", json=cycle, headers=setup.admin)
    assert r.status_code == 201, r.text
    objective = {
        "title": "Traced end to end",
        "owner_type": "org_unit",
        "owner_id": "acme",
        "level": "company",
        "cycle_id": cycle["cycle_id"],
    }
    r = httpx.post(f"{traced.goals_url}/v1/objectives", json=objective, headers=setup.admin)
    assert r.status_code == 201, r.text
    request = (traced.goals_service, "POST /v1/objectives")
    publish = (traced.goals_service, f"{traced.topic} publish")
    projection = (traced.projections_service, f"{traced.topic} process")

    def complete_trace() -> dict[tuple[str, str], dict] | None:
        for trace in traces_of(traced.query_url, traced.goals_service):
            spans = spans_by_service(trace)
            if {request, publish, projection} <= set(spans):
                return spans
        return None

    spans = wait_for(complete_trace, seconds=60, interval=0.5)
    assert len({span["traceID"] for span in spans.values()}) == 1
    assert {service for service, _ in spans} == {traced.goals_service, traced.projections_service}
    assert parent_of(spans[projection]) == spans[publish]["spanID"]
    assert parent_of(spans[request]) is None
    ids = {span["spanID"] for span in spans.values()}
    assert parent_of(spans[publish]) in ids
