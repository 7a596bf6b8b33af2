"""The audit chain of a goal service on the real PostgreSQL and Kafka: a stored event changed or
deleted with SQL is named by online verification; the chainer resumes after a restart; its
checkpoints reach Kafka signed."""

from __future__ import annotations

import asyncio
import json
import uuid

import psycopg
import pytest
from aiokafka import AIOKafkaConsumer

from okr_shared.audit.chain import Checkpoint
from okr_shared.audit.signing import keyring, signature_fault
from okr_shared.cloudevents import from_kafka
from okr_shared.messaging import AUDIT_TOPIC
from okr_shared.settings import KafkaSettings
from tests.conftest import postgres_env
from tests.support.audit import AUDITOR, audit_world


@pytest.fixture
def env(infra, postgres_db) -> dict[str, str]:
    return postgres_env(infra, postgres_db)


@pytest.fixture
def world(env):
    world = audit_world(env)
    world.objective_id = world.objective("Grow revenue")
    world.chain()
    world.chainer.sign_due(force=True)
    return world


def conninfo(infra, env: dict[str, str]) -> str:
    return (
        f"host={infra.pg_host} port={infra.pg_port} user={infra.pg_user} "
        f"password={infra.pg_password} dbname={env['GOALS_POSTGRES_DBNAME']}"
    )


def objective_event(infra, env, objective_id: str) -> int:
    with psycopg.connect(conninfo(infra, env)) as conn:
        row = conn.execute(
            "SELECT notification_id FROM goals_events WHERE originator_id = %s "
            "AND originator_version = 1",
            (uuid.UUID(objective_id),),
        ).fetchone()
    return row[0]


def test_an_event_changed_with_sql_is_named_by_its_position_and_aggregate(
    infra, env, world
) -> None:
    assert world.audit.verify(AUDITOR).ok
    position = objective_event(infra, env, world.objective_id)
    with psycopg.connect(conninfo(infra, env)) as conn:
        changed = conn.execute(
            "UPDATE goals_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'Grow revenue', 'Grow profit'), 'UTF8') WHERE notification_id = %s",
            (position,),
        ).rowcount
    assert changed == 1
    report = world.audit.verify(AUDITOR)
    assert not report.ok
    first = report.first
    assert (first.position, first.kind) == (position, "changed")
    assert (first.aggregate_id, first.aggregate_version) == (world.objective_id, 1)
    assert [f.kind for f in report.failures] == ["changed", "checkpoint"]


def test_a_row_deleted_with_sql_is_named_missing(infra, env, world) -> None:
    position = objective_event(infra, env, world.objective_id)
    with psycopg.connect(conninfo(infra, env)) as conn:
        conn.execute("DELETE FROM goals_events WHERE notification_id = %s", (position,))
    report = world.audit.verify(AUDITOR)
    assert (report.first.position, report.first.kind) == (position, "missing")
    assert report.first.aggregate_id == world.objective_id


def test_the_chainer_resumes_from_its_recorded_position_after_a_restart(env, world) -> None:
    before = world.chainer.ledger.position()
    world.objective("After the restart")
    restarted = audit_world(env, seeded=False)
    assert restarted.chain() == restarted.audit.lines.max_position() - before
    rows = restarted.chainer.ledger.chain("acme")
    assert len(rows) == len({r.position for r in rows}) == restarted.chainer.ledger.position()
    assert restarted.audit.verify(AUDITOR).ok


async def _checkpoints_on_kafka(infra, topic: str, expected: int) -> list:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka_bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found = []
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while len(found) < expected and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for r in records:
                    headers = {k: v.decode() for k, v in r.headers}
                    found.append(from_kafka(headers, r.value))
    finally:
        await consumer.stop()
    return found


def test_checkpoints_are_published_signed_on_kafka(infra, env) -> None:
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"audit-{uuid.uuid4().hex[:8]}"
    )

    async def run() -> tuple:
        world = audit_world(env, kafka=kafka, every_events=5)
        await world.chainer.publisher.start()
        try:
            while await world.chainer.step():
                pass
        finally:
            await world.chainer.publisher.stop()
        return world, await _checkpoints_on_kafka(infra, kafka.topic(AUDIT_TOPIC), 1)

    world, events = asyncio.run(run())
    stored = world.chainer.ledger.checkpoints("goals", "acme")
    assert stored and world.chainer.ledger.unpublished("goals") == []
    assert [e.type for e in events] == ["okr.audit.AuditCheckpointSigned"] * len(events)
    published = [Checkpoint(**e.data) for e in events]
    assert published == stored
    keys = keyring(world.container.audit.public_keys())
    assert all(signature_fault(c, keys) is None for c in published)
    assert events[0].subject == "goals:acme" and events[0].sequence == published[0].position
    assert json.loads(json.dumps(events[0].data))["hash"] == stored[0].hash
