"""The outbox relay on PostgreSQL: ordered CloudEvents on Kafka, nothing lost on a crash, one
leader, and an event that can never be published quarantined instead of stalling every tenant."""

import asyncio
import dataclasses
import uuid
from collections import defaultdict
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer
from eventsourcing.application import Application

from okr_goals import keys
from okr_goals.bootstrap import bootstrap, compose
from okr_goals.contracts import to_cloud_event
from okr_goals.directory.domain import OrgUnit
from okr_goals.objectives.commands import Change, CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.settings import GoalsSettings
from okr_shared.cloudevents import CloudEvent, from_kafka, schema_urn
from okr_shared.contracts import default_registry
from okr_shared.messaging import GOALS_TOPIC, CloudEventPublisher, dead_letter_topic, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.conftest import postgres_env
from tests.support.org import ADMIN, CYCLE, TENANT, seed

OTHER_TENANT = "globex"


@pytest.fixture
def container(infra, postgres_db):
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"relay-{uuid.uuid4().hex[:8]}"
    )
    return bootstrap(GoalsSettings(kafka=kafka, event_store=postgres_env(infra, postgres_db)))


def create_objectives(app, n):
    ids = []
    for i in range(n):
        command = CreateObjective(
            f"Objective {i}",
            "team",
            "org_unit",
            "web",
            CYCLE,
            key_results=(NewKeyResult("KR", "increase_to", start=0.0, target=1.0),),
        )
        ids.append(str(app.objectives.create_objective(command, ADMIN).objective.id))
    return ids


async def drained(relay):
    """The relay after it published the directory and cycles every test starts with."""
    seed(compose(relay.app))
    await relay.publisher.start()
    while await relay.relay_once():
        pass
    relay.published = 0
    return relay


async def records(infra, topic, expected, keep=lambda record: True, timeout=30.0):
    """The first `expected` records of the topic that `keep` accepts, in the order Kafka delivers
    them (per partition)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka_bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(seen) < expected and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for partition_records in batch.values():
                seen.extend(r for r in partition_records if keep(r))
    finally:
        await consumer.stop()
    return seen


async def record_count(infra, topic):
    """How many records Kafka holds on the topic (the sum of its partitions' end offsets)."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=infra.kafka_bootstrap, group_id=None)
    await consumer.start()
    try:
        return sum((await consumer.end_offsets(list(consumer.assignment()))).values())
    finally:
        await consumer.stop()


def decoded(record):
    return from_kafka({k: v.decode() for k, v in record.headers}, record.value)


async def events_for(infra, topic, ids, expected, timeout=30.0):
    """Every goal event on the topic whose subject is one of `ids`, as (subject, sequence, key) in
    the order Kafka delivers them."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka_bootstrap,
        auto_offset_reset="earliest",
        group_id=None,
        enable_auto_commit=False,
    )
    await consumer.start()
    seen = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(seen) < expected and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=1000)
            for partition_records in batch.values():
                for r in (r for r in partition_records if r.key and r.key.decode() in ids):
                    event = decoded(r)
                    seen.append((event.subject, event.sequence, r.key.decode()))
    finally:
        await consumer.stop()
    return seen


def per_key(triples):
    """The sequences of each key, in the order given."""
    order = defaultdict(list)
    for _subject, sequence, key in triples:
        order[key].append(sequence)
    return dict(order)


async def test_relay_publishes_every_event_keyed_by_aggregate_in_order(infra, container):
    await ensure_topics(container.settings.kafka, [container.settings.kafka.topic(GOALS_TOPIC)])
    relay = await drained(container.new_relay())
    app = container.features
    ids = create_objectives(app, 3)
    for version, title in ((1, "Renamed"), (2, "Renamed again"), (3, "Final")):
        change = Change(ids[0], version, "why")
        app.objectives.revise_objective(ReviseObjective(change, {"title": title}), ADMIN)
    app.objectives.revise_objective(
        ReviseObjective(Change(ids[2], 1, "why"), {"title": "Other"}), ADMIN
    )
    try:
        assert await relay.relay_once() > 0
        assert await relay.relay_once() == 0
    finally:
        await relay.publisher.stop()
    assert relay.published == 7
    stored = {i: [e.originator_version for e in app.store.events.get(uuid.UUID(i))] for i in ids}
    assert stored == {ids[0]: [1, 2, 3, 4], ids[1]: [1], ids[2]: [1, 2]}
    seen = await events_for(infra, container.settings.kafka.topic(GOALS_TOPIC), set(ids), 7)
    assert per_key(seen) == stored
    assert relay.position() == app.store.recorder.max_notification_id()


class CrashAfterPublish(Exception):
    pass


async def test_crash_between_publish_and_recording_position_loses_nothing(
    infra, container, monkeypatch
):
    await ensure_topics(container.settings.kafka, [container.settings.kafka.topic(GOALS_TOPIC)])
    relay = await drained(container.new_relay())
    start = relay.position()
    ids = create_objectives(container.features, 5)
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


def cloud_event(i: int, key: str) -> CloudEvent:
    return CloudEvent(
        id=str(uuid.uuid4()),
        source="/okr/goals",
        type="okr.goals.OrgUnitRenamed",
        subject=key,
        time=datetime.now(UTC),
        dataschema=schema_urn("goals", "OrgUnitRenamed", 1),
        data={"org_unit_id": key, "name": f"Name {i}", "previous_name": "Old"},
        tenantid=TENANT,
        actorid="ceo",
        correlationid="c",
        causationid="c",
        sequence=i,
    )


async def test_publisher_waits_for_acknowledgement_of_every_event(infra):
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"ack-{uuid.uuid4().hex[:8]}"
    )
    topic = kafka.topic(GOALS_TOPIC)
    await ensure_topics(kafka, [topic])
    events = [cloud_event(i, key) for i in range(1, 21) for key in ("unit-a", "unit-b")]
    publisher = CloudEventPublisher(kafka, client_id=f"t-{uuid.uuid4().hex[:6]}")
    await publisher.start()
    try:
        await publisher.publish(topic, events)
        # Asked at once, without polling: every event is already in the log when publish returns.
        assert await record_count(infra, topic) == len(events)
    finally:
        await publisher.stop()
    back = [decoded(r) for r in await records(infra, topic, len(events))]
    assert sorted(e.id for e in back) == sorted(e.id for e in events)
    for key in ("unit-a", "unit-b"):
        in_kafka = [e.id for e in back if e.subject == key]
        assert in_kafka == [e.id for e in events if e.subject == key]


def store_order(app, after: int, tenant: str) -> list[tuple[str, int]]:
    """The published events of `tenant` stored after notification `after`: (subject, sequence)."""
    forms = (
        to_cloud_event(
            app.store.mapper.to_domain_event(n),
            default_registry(),
            lambda e: app.store.repository.get(e.originator_id, version=1),
        )
        for n in app.store.recorder.select_notifications(after, 10_000, inclusive_of_start=False)
    )
    return [(f.subject, f.sequence) for f in forms if f is not None and f.tenantid == tenant]


async def test_an_event_breaking_its_contract_is_dead_lettered_and_other_tenants_still_flow(
    infra, container
):
    kafka = container.settings.kafka
    topic, dead_letters = kafka.topic(GOALS_TOPIC), kafka.topic(dead_letter_topic("goals-relay"))
    await ensure_topics(kafka, [topic])
    relay = await drained(container.new_relay(batch_size=5))
    before = await record_count(infra, topic)
    app = container.features
    # Stored as an older release could have: straight through eventsourcing, no contract check.
    broken = OrgUnit.found(
        aggregate_id=keys.org_unit_uuid(TENANT, "co"),
        org_unit_id="co",
        name="n" * 201,
        kind="company",
        parent_id=None,
        meta=ADMIN.meta,
    )
    Application.save(app.store, broken)
    poison = app.store.recorder.max_notification_id()
    seed(app, tenant=OTHER_TENANT)
    expected = store_order(app, poison, OTHER_TENANT)
    assert len(expected) == 12
    try:
        while await relay.relay_once():
            pass
    finally:
        await relay.publisher.stop()
    assert (relay.dead_lettered, relay.published) == (1, 12)
    assert relay.position() == app.store.recorder.max_notification_id()
    # The other tenant's events reached Kafka, each aggregate's in the store's order.
    of_other = await records(
        infra, topic, len(expected), keep=lambda r: decoded(r).tenantid == OTHER_TENANT
    )
    others = [decoded(r) for r in of_other]
    assert per_key((e.subject, e.sequence, e.subject) for e in others) == per_key(
        (s, q, s) for s, q in expected
    )
    assert await record_count(infra, topic) == before + len(expected)
    # Exactly one dead letter, naming the stored event and the reason.
    assert await record_count(infra, dead_letters) == 1
    (letter,) = await records(infra, dead_letters, 1)
    headers = {k: v.decode() for k, v in letter.headers}
    assert "OrgUnitCreated" in headers["dlq_reason"] and "'name'" in headers["dlq_reason"]
    names = ("dlq_notification_id", "dlq_originator_id", "dlq_originator_version")
    assert tuple(headers[n] for n in names) == (str(poison), str(broken.id), "1")
    assert headers["dlq_relay"] == "goals-relay" and headers["dlq_source_topic"] == topic
    assert letter.key == str(broken.id).encode()


async def test_a_record_kafka_refuses_for_good_is_dead_lettered_and_the_batch_goes_on(
    infra, container
):
    kafka = container.settings.kafka
    topic, dead_letters = kafka.topic(GOALS_TOPIC), kafka.topic(dead_letter_topic("goals-relay"))
    await ensure_topics(kafka, [topic])
    relay = await drained(container.new_relay())
    ids = create_objectives(container.features, 3)
    too_large = ids[1]
    mapping = relay.published_form

    def oversized(domain_event, first):
        event = mapping(domain_event, first)
        if event is not None and event.subject == too_large:
            return dataclasses.replace(event, data={**event.data, "description": "x" * 2_000_000})
        return event

    relay.published_form = oversized
    try:
        assert await relay.relay_once() > 0
        assert await relay.relay_once() == 0
    finally:
        await relay.publisher.stop()
    assert (relay.published, relay.dead_lettered) == (2, 1)
    assert relay.position() == container.store.recorder.max_notification_id()
    # Every record on the topic: the others went out (ids[0] perhaps twice), the oversized never.
    everything = await records(infra, topic, await record_count(infra, topic))
    keys_seen = {r.key.decode() for r in everything}
    assert ids[0] in keys_seen and ids[2] in keys_seen and too_large not in keys_seen
    (letter,) = await records(infra, dead_letters, 1)
    reason = dict(letter.headers)["dlq_reason"].decode()
    assert "MessageSizeTooLarge" in reason
