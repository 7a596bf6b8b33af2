"""The shared subscriber: whatever a record holds, it is handled or dead-lettered, and the next
record is applied; failing handlers are retried a bounded number of times."""

import json
from datetime import UTC, datetime

import pytest
from faststream.kafka import KafkaBroker, TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from okr_shared.cloudevents import CloudEvent, schema_urn, to_kafka
from okr_shared.consumer import AppliedPositions, consumer_broker, raw_body, subscribe
from okr_shared.contracts import ContractRegistry
from okr_shared.settings import KafkaSettings, replace

TOPIC = "unit.okr.goals.v1"
DEAD = "unit.dead"
GROUP = "unit-consumer"


@pytest.fixture
def registry(tmp_path):
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["objective_id"],
        "properties": {"objective_id": {"type": "string"}},
    }
    for context, name in (("goals", "ObjectiveCreated"), ("checkins", "CheckInRecorded")):
        (tmp_path / context).mkdir(exist_ok=True)
        (tmp_path / context / f"{name}.v1.json").write_text(json.dumps(schema))
    return ContractRegistry(tmp_path)


def record(
    subject,
    *,
    type_="okr.goals.ObjectiveCreated",
    context="goals",
    name="ObjectiveCreated",
    body=None,
):
    event = CloudEvent(
        id=f"id-{subject}",
        source="/okr/goals",
        type=type_,
        subject=subject,
        time=datetime(2026, 1, 1, tzinfo=UTC),
        dataschema=schema_urn(context, name, 1),
        data={"objective_id": subject},
        tenantid="acme",
        actorid="alice",
        correlationid="c",
        causationid="c",
        sequence=1,
    )
    key, value, headers = to_kafka(event)
    return key, value if body is None else body, {k: v.decode() for k, v in headers}


class Handler:
    """Records what it handled; fails `failures` times for the subjects in `failing`."""

    def __init__(self, failing=(), failures=100):
        self.handled, self.attempts = [], {}
        self.failing, self.failures = set(failing), failures

    async def __call__(self, event, data):
        self.attempts[event.subject] = self.attempts.get(event.subject, 0) + 1
        if event.subject in self.failing and self.attempts[event.subject] <= self.failures:
            raise RuntimeError(f"store down for {event.subject}")
        self.handled.append(data["objective_id"])


async def deliver(registry, handle, *records, positions=None, attempts=3):
    broker = KafkaBroker("localhost:9092")
    subscribe(
        broker,
        TOPIC,
        group_id=GROUP,
        context="goals",
        registry=registry,
        handle=handle,
        retry_backoff_seconds=0.001,
        retry_attempts=attempts,
        dead_letters=DEAD,
        positions=positions,
    )
    dead = []

    @broker.subscriber(DEAD, decoder=raw_body)
    async def capture(message: KafkaMessage) -> None:
        dead.append((message.body, message.headers))

    async with TestKafkaBroker(broker) as test_broker:
        for key, value, headers in records:
            await test_broker.publish(value, topic=TOPIC, key=key, headers=headers)
    return dead


async def test_a_non_json_body_declared_json_is_dead_lettered_and_the_next_event_applied(registry):
    handle = Handler()
    dead = await deliver(registry, handle, record("poison", body=b"\x00not json"), record("good"))
    ((body, headers),) = dead
    assert body == b"\x00not json" and "data is not JSON" in headers["dlq_reason"]
    assert headers["content-type"] == "application/json" and headers["dlq_source_topic"] == TOPIC
    assert handle.handled == ["good"]


async def test_an_unknown_type_with_a_known_dataschema_is_dead_lettered_not_applied(registry):
    handle = Handler()
    dead = await deliver(
        registry, handle, record("odd", type_="okr.goals.Nonsense"), record("good")
    )
    ((_, headers),) = dead
    assert "ce_type 'okr.goals.Nonsense' does not match ce_dataschema" in headers["dlq_reason"]
    assert handle.handled == ["good"]


@pytest.mark.parametrize(
    "type_, context, name, reason",
    [
        ("ObjectiveCreated", "goals", "ObjectiveCreated", "is not okr.<context>.<EventName>"),
        (
            "okr.checkins.ObjectiveCreated",
            "goals",
            "ObjectiveCreated",
            "does not match ce_dataschema",
        ),
        (
            "okr.checkins.CheckInRecorded",
            "checkins",
            "CheckInRecorded",
            "is not of context 'goals'",
        ),
    ],
)
async def test_type_and_dataschema_must_agree_and_name_the_subscribers_context(
    registry, type_, context, name, reason
):
    handle = Handler()
    dead = await deliver(registry, handle, record("odd", type_=type_, context=context, name=name))
    ((_, headers),) = dead
    assert reason in headers["dlq_reason"] and handle.handled == []


async def test_a_handler_failing_every_time_is_dead_lettered_after_its_attempts_then_the_next_runs(
    registry,
):
    handle = Handler(failing={"stuck"})
    dead = await deliver(registry, handle, record("stuck"), record("good"), attempts=3)
    ((body, headers),) = dead
    assert handle.attempts["stuck"] == 3 and handle.handled == ["good"]
    assert "handler failed 3 times" in headers["dlq_reason"]
    assert "store down for stuck" in headers["dlq_reason"]
    assert json.loads(body) == {"objective_id": "stuck"}


async def test_a_handler_failing_once_is_retried_and_nothing_is_dead_lettered(registry):
    handle = Handler(failing={"flaky"}, failures=1)
    assert await deliver(registry, handle, record("flaky"), attempts=3) == []
    assert handle.attempts["flaky"] == 2 and handle.handled == ["flaky"]


async def test_positions_advance_past_applied_and_dead_lettered_records(registry):
    positions = AppliedPositions()
    await deliver(
        registry, Handler(), record("poison", body=b"{"), record("good"), positions=positions
    )
    assert positions.of(TOPIC) and all(n >= 1 for n in positions.of(TOPIC).values())
    assert positions.of("other") == {}


def test_consumers_refresh_their_view_of_the_topics_often() -> None:
    """A group assigned while the broker knew no partitions of a topic (just after the broker
    was paused) is rebalanced only when its leader refreshes its metadata: at aiokafka's default
    of five minutes that topic went unconsumed for minutes (found by `make faults`)."""
    default = consumer_broker(KafkaSettings(), "g").config.broker_config.builder
    assert default.keywords["metadata_max_age_ms"] == 10_000
    tuned = replace(KafkaSettings(), consumer_metadata_max_age_ms=2_000)
    assert (
        consumer_broker(tuned, "g").config.broker_config.builder.keywords["metadata_max_age_ms"]
        == 2_000
    )
