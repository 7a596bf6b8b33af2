"""The subscriber routes decoded events to the projector and dead-letters what it cannot project."""

import json
from datetime import UTC, datetime

import pytest
from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from okr_projections.bootstrap import build_projector
from okr_projections.consumer import build_broker
from okr_shared.cloudevents import CloudEvent, schema_urn, to_kafka
from okr_shared.consumer import raw_body
from okr_shared.contracts import ContractRegistry
from okr_shared.messaging import GOALS_TOPIC, dead_letter_topic
from okr_shared.settings import KafkaSettings
from tests.support.fake_stores import FakeStore

GROUP = "unit-projections"


@pytest.fixture
def registry(tmp_path):
    (tmp_path / "goals").mkdir()
    for name in ("PersonLeft", "SomethingNew"):
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["person_id"],
            "properties": {"person_id": {"type": "string"}},
        }
        (tmp_path / "goals" / f"{name}.v1.json").write_text(json.dumps(schema))
    return ContractRegistry(tmp_path)


def record(name, data):
    event = CloudEvent(
        id=f"id-{name}",
        source="/okr/goals",
        type=f"okr.goals.{name}",
        subject="E1",
        time=datetime(2026, 1, 1, tzinfo=UTC),
        dataschema=schema_urn("goals", name, 1),
        data=data,
        tenantid="acme",
        actorid="alice",
        correlationid="c",
        causationid="c",
        sequence=3,
    )
    key, value, headers = to_kafka(event)
    return key, value, {k: v.decode() for k, v in headers}


async def deliver(registry, *records):
    people = FakeStore()
    broker = build_broker(
        KafkaSettings(bootstrap_servers="localhost:9092"),
        build_projector(FakeStore(), FakeStore(), people, FakeStore()),
        registry,
        GROUP,
    )
    dead = []

    @broker.subscriber(dead_letter_topic(GROUP))
    async def capture(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    async with TestKafkaBroker(broker) as test_broker:
        for key, value, headers in records:
            await test_broker.publish(value, topic=GOALS_TOPIC, key=key, headers=headers)
    return people.calls, dead


async def test_a_known_event_is_projected_and_not_dead_lettered(registry):
    calls, dead = await deliver(registry, record("PersonLeft", {"person_id": "E1"}))
    assert calls == [("apply", "PersonLeft")] and dead == []


async def test_an_event_type_no_read_model_takes_goes_to_the_dead_letter_topic_with_the_reason(
    registry,
):
    calls, dead = await deliver(registry, record("SomethingNew", {"person_id": "E1"}))
    assert calls == []
    ((body, headers),) = dead
    assert "SomethingNew" in headers["dlq_reason"] and headers["dlq_source_topic"] == GOALS_TOPIC
    assert json.loads(body) == {"person_id": "E1"}


async def test_an_undecodable_event_goes_to_the_dead_letter_topic(registry):
    _, dead = await deliver(registry, (b"k", b"\x00not json", {"ce_id": "x"}))
    assert "missing CloudEvents headers" in dead[0][1]["dlq_reason"]


class DownStore(FakeStore):
    """A people store whose writes fail for person E9 every time."""

    async def apply(self, event_type, data, meta):
        if data["person_id"] == "E9":
            self.calls.append(("failed", event_type))
            raise ConnectionError("document store unreachable")
        return await super().apply(event_type, data, meta)


async def deliver_raw(registry, people, *records):
    """Delivers the records; the dead letters are captured with their bodies as they came."""
    broker = build_broker(
        KafkaSettings(bootstrap_servers="localhost:9092"),
        build_projector(FakeStore(), FakeStore(), people, FakeStore()),
        registry,
        GROUP,
        retry_backoff_seconds=0.001,
        retry_attempts=3,
    )
    dead = []

    @broker.subscriber(dead_letter_topic(GROUP), decoder=raw_body)
    async def capture(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    async with TestKafkaBroker(broker) as test_broker:
        for key, value, headers in records:
            await test_broker.publish(value, topic=GOALS_TOPIC, key=key, headers=headers)
    return dead


async def test_a_non_json_body_declared_json_is_dead_lettered_and_the_next_one_projected(registry):
    people = FakeStore()
    key, _, headers = record("PersonLeft", {"person_id": "E1"})
    dead = await deliver_raw(
        registry, people, (key, b"\x00not json", headers), record("PersonLeft", {"person_id": "E2"})
    )
    ((body, dead_headers),) = dead
    assert body == b"\x00not json" and "data is not JSON" in dead_headers["dlq_reason"]
    assert people.calls == [("apply", "PersonLeft")]


async def test_an_unknown_type_with_a_known_dataschema_is_dead_lettered_not_projected(registry):
    people = FakeStore()
    key, value, headers = record("PersonLeft", {"person_id": "E1"})
    odd = (key, value, {**headers, "ce_type": "okr.goals.Nonsense"})
    dead = await deliver_raw(registry, people, odd)
    assert people.calls == [] and "does not match ce_dataschema" in dead[0][1]["dlq_reason"]


async def test_a_write_failing_every_time_is_dead_lettered_after_its_attempts_then_the_next_runs(
    registry,
):
    people = DownStore()
    dead = await deliver_raw(
        registry,
        people,
        record("PersonLeft", {"person_id": "E9"}),
        record("PersonLeft", {"person_id": "E1"}),
    )
    assert people.calls == [("failed", "PersonLeft")] * 3 + [("apply", "PersonLeft")]
    ((_, headers),) = dead
    assert "handler failed 3 times" in headers["dlq_reason"]
    assert "unreachable" in headers["dlq_reason"]
