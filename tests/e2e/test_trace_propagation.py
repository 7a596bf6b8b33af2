"""One trace from the HTTP create to the projection update, carried through Kafka headers."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.http import create_http_app
from okr_goals.settings import GoalsSettings
from okr_projections.bootstrap import bootstrap as projections_bootstrap
from okr_projections.settings import ProjectionsSettings
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from okr_shared.telemetry import configure_telemetry
from tests.conftest import postgres_env
from tests.support.org import CYCLE, seed


async def test_http_create_and_projection_update_share_one_trace_id(infra, postgres_db, issuer):
    exporter = InMemorySpanExporter()
    configure_telemetry("okr-tests", exporter=exporter)
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"trace-{uuid.uuid4().hex[:8]}"
    )
    goals = goals_bootstrap(
        GoalsSettings(kafka=kafka, event_store=postgres_env(infra, postgres_db))
    )
    tenant = f"trace-{uuid.uuid4().hex[:8]}"
    seed(goals.features, tenant)
    projections = projections_bootstrap(
        ProjectionsSettings(
            kafka=kafka,
            mongo_url=infra.mongo_url,
            database=f"okr_trace_{uuid.uuid4().hex[:8]}",
            consumer_group=f"okr-trace-{uuid.uuid4().hex[:8]}",
        )
    )
    await ensure_topics(kafka, [kafka.topic(GOALS_TOPIC)])
    await projections.start_consuming()
    relay = goals.new_relay()
    await relay.publisher.start()
    while await relay.relay_once():
        pass
    try:
        transport = httpx.ASGITransport(app=create_http_app(goals, run_relay=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://goals") as client:
            token = issuer.issue(tenant, "ceo", roles=("admin",))
            r = await client.post(
                "/v1/objectives",
                headers={"Authorization": f"Bearer {token}"},
                json={
                    "title": "Traced",
                    "owner_type": "org_unit",
                    "owner_id": "acme",
                    "level": "company",
                    "cycle_id": CYCLE,
                },
            )
        assert r.status_code == 201
        oid = r.json()["objective_id"]
        await relay.relay_once()
        for _ in range(1200):
            if await projections.store.get(tenant, oid):
                break
            await asyncio.sleep(0.05)
        assert await projections.store.get(tenant, oid), "projection not updated"
    finally:
        await relay.publisher.stop()
        await projections.broker.stop()
        await projections.mongo.close()

    spans = exporter.get_finished_spans()
    (http_span,) = [
        s for s in spans if s.kind == SpanKind.SERVER and s.name.startswith("POST /v1/objectives")
    ]
    consumer_spans = [
        s for s in spans if s.kind == SpanKind.CONSUMER and kafka.topic(GOALS_TOPIC) in s.name
    ]
    assert consumer_spans, f"no consumer span among {[s.name for s in spans]}"
    trace_ids = {s.context.trace_id for s in consumer_spans}
    assert http_span.context.trace_id in trace_ids
