"""The batch consumer: a batch's records are projected in order, and a record that cannot be
decoded or projected goes to the dead-letter topic while the rest of the batch flows on."""

from aiokafka.structs import ConsumerRecord

from okr_projections.bootstrap import build_projector
from okr_projections.consumer import BatchConsumer
from okr_shared.contracts import default_registry
from tests.support.fake_stores import FakeStore
from tests.support.kafka_records import goal_record

TOPIC = "okr.goals.v1"


class Broker:
    """Captures what is published (the dead letters)."""

    def __init__(self):
        self.published = []

    async def publish(self, body, topic, key, headers):
        self.published.append((topic, body, headers))


def consumer_record(offset, record):
    key, value, headers = record
    return ConsumerRecord(
        topic=TOPIC,
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=key,
        value=value,
        checksum=None,
        serialized_key_size=len(key),
        serialized_value_size=len(value),
        headers=headers,
    )


def person(person_id):
    data = {"person_id": person_id}
    return goal_record("PersonLeft", person_id, data, "acme")


def consumer(people, broker):
    projector = build_projector(FakeStore(), FakeStore(), people, FakeStore())
    return BatchConsumer(
        broker,
        projector,
        default_registry(),
        "g",
        "g.dlq",
        retry_backoff_seconds=0.001,
        retry_attempts=2,
    )


async def test_a_poison_record_in_a_batch_is_dead_lettered_and_the_others_are_projected():
    people, broker = FakeStore(), Broker()
    key, _, headers = person("E2")
    records = [
        consumer_record(0, person("E1")),
        consumer_record(1, (key, b"\x00not json", headers)),
        consumer_record(2, person("E3")),
    ]
    await consumer(people, broker).consume("goals", records)
    assert people.calls == [("apply", "PersonLeft"), ("apply", "PersonLeft")]
    ((topic, body, dead_headers),) = broker.published
    assert topic == "g.dlq" and body == b"\x00not json"
    assert dead_headers["dlq_source_offset"] == "1" and "JSON" in dead_headers["dlq_reason"]


class FailingFor(FakeStore):
    """A people store whose folds of one person always fail."""

    async def apply(self, event_type, data, meta):
        if data["person_id"] == "E9":
            self.calls.append(("failed", event_type))
            raise ConnectionError("document store unreachable")
        return await super().apply(event_type, data, meta)


async def test_a_record_failing_every_attempt_is_dead_lettered_and_the_batch_goes_on():
    people, broker = FailingFor(), Broker()
    records = [consumer_record(0, person("E9")), consumer_record(1, person("E1"))]
    await consumer(people, broker).consume("goals", records)
    assert people.calls == [("failed", "PersonLeft")] * 2 + [("apply", "PersonLeft")]
    ((_, _, headers),) = broker.published
    assert "handler failed 2 times" in headers["dlq_reason"]
