"""The outbox relay on PostgreSQL: ordered CloudEvents on Kafka, nothing lost on a crash, one leader."""

import asyncio
import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from okr_goals.application.commands import Change, CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.bootstrap import bootstrap
from okr_goals.settings import GoalsSettings
from okr_shared.cloudevents import from_kafka
from okr_shared.messaging import GOALS_TOPIC, CloudEventPublisher, ensure_topics
from okr_shared.settings import KafkaSettings

from tests.conftest import postgres_env
from tests.support.org import ADMIN, CYCLE, seed


@pytest.fixture
def container(infra, postgres_db):
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"relay-{uuid.uuid4().hex[:8]}")
    return bootstrap(GoalsSettings(kafka=kafka, event_store=postgres_env(infra, postgres_db)))


def create_objectives(app, n):
    ids = []
    for i in range(n):
        command = CreateObjective(f"Objective {i}", "team", "org_unit", "web", CYCLE,
                                  key_results=(NewKeyResult("KR", "increase_to", start=0.0, target=1.0),))
        ids.append(str(app.create_objective(command, ADMIN).objective.id))
    return ids


async def drained(relay):
    """The relay after it published the directory and cycles every test starts with."""
    seed(relay.app)
    await relay.publisher.start()
    while await relay.relay_once():
        pass
    relay.published = 0
    return relay


async def events_for(infra, topic, ids, expected, timeout=30.0):
    """Every goal event on the topic whose subject is one of `ids`, as (subject, sequence) pairs."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, auto_offset_reset="earliest",
                                group_id=None, enable_auto_commit=False)
    await consumer.start()
    seen = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(seen) < expected and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for r in (r for r in records if r.key and r.key.decode() in ids):
                    event = from_kafka({k: v.decode() for k, v in r.headers}, r.value)
                    seen.append((event.subject, event.sequence, r.key.decode()))
    finally:
        await consumer.stop()
    return seen


async def test_relay_publishes_every_event_keyed_by_aggregate_in_order(infra, container):
    await ensure_topics(container.settings.kafka, [container.settings.kafka.topic(GOALS_TOPIC)])
    relay = await drained(container.new_relay())
    ids = create_objectives(container.application, 3)
    container.application.revise_objective(ReviseObjective(Change(ids[0], 1, "why"), {"title": "Renamed"}), ADMIN)
    try:
        assert await relay.relay_once() > 0
        assert await relay.relay_once() == 0
    finally:
        await relay.publisher.stop()
    assert relay.published == 4
    seen = await events_for(infra, container.settings.kafka.topic(GOALS_TOPIC), set(ids), 4)
    assert sorted(seen) == sorted([(i, 1, i) for i in ids] + [(ids[0], 2, ids[0])])
    assert relay.position() == container.application.recorder.max_notification_id()


class CrashAfterPublish(Exception):
    pass


async def test_crash_between_publish_and_recording_position_loses_nothing(infra, container, monkeypatch):
    await ensure_topics(container.settings.kafka, [container.settings.kafka.topic(GOALS_TOPIC)])
    relay = await drained(container.new_relay())
    start = relay.position()
    ids = create_objectives(container.application, 5)
    try:
        def crash(_tracking):
            raise CrashAfterPublish
        monkeypatch.setattr(relay.tracking, "insert_tracking", crash)
        with pytest.raises(CrashAfterPublish):
            await relay.relay_once()
        assert relay.position() == start
        monkeypatch.undo()
        assert await relay.relay_once() > 0
    finally:
        await relay.publisher.stop()
    seen = await events_for(infra, container.settings.kafka.topic(GOALS_TOPIC), set(ids), 10)
    assert {s for s, _, _ in seen} == set(ids)
    assert len(seen) == 10  # each event twice: duplicates allowed, losses not


async def test_only_one_relay_holds_the_leader_lock(container):
    first, second = container.new_relay(), container.new_relay()
    try:
        assert first.lock.try_acquire()
        assert not second.lock.try_acquire()
        first.lock.release()
        assert second.lock.try_acquire()
    finally:
        first.lock.release()
        second.lock.release()


async def test_publisher_waits_for_acknowledgement_of_every_event(infra):
    publisher = CloudEventPublisher(KafkaSettings(bootstrap_servers=infra.kafka_bootstrap), client_id=f"t-{uuid.uuid4().hex[:6]}")
    await publisher.start()
    try:
        await publisher.publish(GOALS_TOPIC, [])
    finally:
        await publisher.stop()
