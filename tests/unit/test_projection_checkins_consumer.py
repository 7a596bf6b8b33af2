"""The check-in subscriber: namespaced topics, contract reads of `okr.checkins.v1`, one
dead-letter topic for the group."""

import uuid
from datetime import UTC, datetime

from faststream.kafka import TestKafkaBroker
from faststream.kafka.annotations import KafkaMessage

from okr_projections.consumer import build_broker
from okr_projections.documents import UnprojectableEvent
from okr_shared.cloudevents import CloudEvent, schema_urn, to_kafka
from okr_shared.contracts import default_registry
from okr_shared.messaging import CHECKINS_TOPIC, dead_letter_topic
from okr_shared.settings import KafkaSettings
from tests.support.check_in_events import recorded

GROUP = "unit-projections"
KAFKA = KafkaSettings(bootstrap_servers="localhost:9092", topic_namespace="ns1")
KR = str(uuid.uuid4())
TIME = datetime(2026, 1, 9, 12, tzinfo=UTC)


class RecordingProjector:
    def __init__(self, fail_with=None):
        self.calls = []
        self.fail_with = fail_with

    async def project(self, event_type, data, meta):
        self.calls.append((event_type, data, meta))
        if self.fail_with:
            raise self.fail_with
        return True


def check_in_record(data):
    event = CloudEvent(
        id="ev-1",
        source="/okr/checkins",
        type="okr.checkins.CheckInRecorded",
        subject=KR,
        time=TIME,
        dataschema=schema_urn("checkins", "CheckInRecorded", 1),
        data=data,
        tenantid="acme",
        actorid="ana",
        correlationid="c",
        causationid="c",
        sequence=2,
    )
    key, value, headers = to_kafka(event)
    return key, value, {k: v.decode() for k, v in headers}


def valid_check_in():
    return recorded(check_in_id=str(uuid.uuid4()), objective_id=str(uuid.uuid4()), key_result_id=KR)


async def deliver(projector, record):
    broker = build_broker(KAFKA, projector, default_registry(), GROUP)
    dead = []

    @broker.subscriber(KAFKA.topic(dead_letter_topic(GROUP)))
    async def capture(message: KafkaMessage) -> None:
        dead.append(message.headers)

    async with TestKafkaBroker(broker) as test_broker:
        key, value, headers = record
        await test_broker.publish(
            value, topic=KAFKA.topic(CHECKINS_TOPIC), key=key, headers=headers
        )
    return dead


async def test_a_check_in_on_the_namespaced_topic_reaches_the_projector_with_its_sequence_and_time():  # noqa: E501
    projector, data = RecordingProjector(), valid_check_in()
    assert await deliver(projector, check_in_record(data)) == []
    ((event_type, projected, meta),) = projector.calls
    assert (event_type, projected) == ("CheckInRecorded", data)
    assert (meta["tenant_id"], meta["version"], meta["time"], meta["event_id"]) == (
        "acme",
        2,
        TIME,
        "ev-1",
    )


async def test_a_check_in_breaking_its_contract_goes_to_the_groups_namespaced_dead_letter_topic():
    projector = RecordingProjector()
    (headers,) = await deliver(projector, check_in_record({**valid_check_in(), "confidence": 11}))
    assert projector.calls == [] and headers["dlq_source_topic"] == "ns1.okr.checkins.v1"


async def test_a_check_in_the_projector_cannot_fold_is_dead_lettered_with_the_reason():
    (headers,) = await deliver(
        RecordingProjector(UnprojectableEvent("no way")), check_in_record(valid_check_in())
    )
    assert headers["dlq_reason"] == "no way" and headers["dlq_consumer_group"] == GROUP


def test_the_broker_subscribes_to_both_namespaced_topics_in_one_consumer_group():
    broker = build_broker(KAFKA, RecordingProjector(), default_registry(), GROUP)
    subscribed = sorted((tuple(t.name for t in s.topics), s.group_id) for s in broker.subscribers)
    assert subscribed == [
        (("ns1.okr.checkins.v1",), GROUP),
        (("ns1.okr.goals.v1",), GROUP),
        (("ns1.okr.incentives.v1",), GROUP),
        (("ns1.okr.reviews.v1",), GROUP),
    ]
