"""The AsyncAPI catalogue generated from the contract registry: every contract is a message with
its own schema as payload, the headers are those `to_kafka` writes, dead letters have the shape
the relay and the consumers give them, and who sends and receives what agrees with the services."""

import inspect
import json
import shutil
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from jsonschema import Draft7Validator

from okr_checkins.bootstrap import CONSUMED as CHECKINS_CONSUMED
from okr_checkins.bootstrap import CheckinsContainer
from okr_checkins.settings import CheckinsSettings
from okr_goals.bootstrap import GoalsContainer
from okr_incentives.bootstrap import CONSUMED as INCENTIVES_CONSUMED
from okr_incentives.bootstrap import IncentivesContainer
from okr_incentives.settings import IncentivesSettings
from okr_projections.settings import ProjectionsSettings
from okr_reviews.bootstrap import CONSUMED as REVIEWS_CONSUMED
from okr_reviews.bootstrap import ReviewsContainer
from okr_reviews.settings import ReviewsSettings
from okr_shared import messaging
from okr_shared.cloudevents import CloudEvent, from_kafka, schema_urn, to_kafka
from okr_shared.consumer import dead_letter
from okr_shared.contracts import ContractRegistry, ContractViolation, asyncapi, default_registry
from okr_shared.contracts.vocabulary import SCHEMA_DIR
from okr_shared.outbox import OutboxRelay
from okr_shared.settings import KafkaSettings
from tests.support.goals import goal_features
from tests.support.org import seed

PLAINTEXT = KafkaSettings(bootstrap_servers="kafka-1:9092,kafka-2:9092")


@pytest.fixture(scope="module")
def platform():
    return asyncapi.document(None, PLAINTEXT)


def headers_schema(doc, message):
    """A message's headers schema with the shared CloudEvent headers put in place of the $ref."""
    shared = doc["components"]["schemas"]["CloudEventHeaders"]
    parts = doc["components"]["messages"][message]["headers"]["allOf"]
    return {"allOf": [shared, *parts[1:]]}


def an_event(context="goals", name="ObjectiveCreated", version=3) -> CloudEvent:
    return CloudEvent(
        id="3f1c0a52-8f1e-5b7e-9a51-0d6f2b4c7e11",
        source=f"/okr/{context}",
        type=f"okr.{context}.{name}",
        subject="2026-Q4",
        time=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        dataschema=schema_urn(context, name, version),
        data={},
        tenantid="acme",
        actorid="ceo",
        correlationid="c-1",
        causationid="r-1",
        sequence=4,
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )


def test_every_contract_is_a_message_whose_payload_is_the_registered_schema(platform):
    registry = default_registry()
    files = asyncapi.schema_files()
    messages = platform["components"]["messages"]
    for context, name, version in registry.contracts():
        message = messages[f"{context}.{name}.v{version}"]
        assert message["payload"]["schemaFormat"] == "application/schema+json;version=draft-2020-12"
        ref = message["payload"]["schema"]["$ref"]
        assert ref == f"asyncapi/schemas/{context}/{name}.v{version}.json"
        assert files[ref] == registry.schema(context, name, version)
        assert files[ref]["$id"] == schema_urn(context, name, version)
        assert message["x-okr-dataschema"] == schema_urn(context, name, version)
    assert len(files) == len(registry.contracts()) == len(list(SCHEMA_DIR.glob("*/*.json")))


def test_each_topic_is_a_channel_holding_every_version_of_its_context(platform):
    goals = platform["channels"]["goals"]
    assert goals["address"] == "okr.goals.v1" == messaging.GOALS_TOPIC
    assert {"ObjectiveCreated.v1", "ObjectiveCreated.v2", "ObjectiveCreated.v3"} <= set(
        goals["messages"]
    )
    addresses = {channel["address"] for channel in platform["channels"].values()}
    constants = {v for k, v in vars(messaging).items() if k.endswith("_TOPIC")}
    assert constants <= addresses
    for context, name, version in default_registry().contracts():
        ref = platform["channels"][context]["messages"][f"{name}.v{version}"]["$ref"]
        assert ref == f"#/components/messages/{context}.{name}.v{version}"


def test_the_headers_are_exactly_the_ones_to_kafka_writes_and_a_real_record_matches(platform):
    _key, _value, headers = to_kafka(an_event())
    written = [name for name, _ in headers if name != "traceparent"]
    shared = platform["components"]["schemas"]["CloudEventHeaders"]
    assert shared["required"] == written
    assert set(shared["properties"]) == {*written, "traceparent", "tracestate"}
    record = {name: value.decode() for name, value in headers}
    assert from_kafka(record, b"{}").type == "okr.goals.ObjectiveCreated"
    Draft7Validator(headers_schema(platform, "goals.ObjectiveCreated.v3")).validate(record)
    wrong = Draft7Validator(headers_schema(platform, "goals.ObjectiveCreated.v2"))
    assert [e.validator for e in wrong.iter_errors(record)] == ["const"]
    del record["ce_tenantid"]
    assert not Draft7Validator(shared).is_valid(record)


def test_the_record_key_and_correlation_are_described(platform):
    message = platform["components"]["messages"]["reviews.ReviewOpened.v1"]
    assert "ce_subject" in message["bindings"]["kafka"]["key"]["description"]
    assert message["correlationId"]["location"] == "$message.header#/ce_correlationid"
    assert {"name": "reviews"} in message["tags"] and {"name": "stream:review"} in message["tags"]
    assert (
        message["summary"] == default_registry().schema("reviews", "ReviewOpened", 1)["description"]
    )


def test_superseded_versions_say_they_are_upcast_and_only_the_latest_is_sent(platform):
    old = platform["components"]["messages"]["goals.ObjectiveCreated.v1"]
    assert {"name": "superseded"} in old["tags"] and "upcast" in old["description"]
    assert old["x-okr-latest-version"] == 3
    latest = platform["components"]["messages"]["goals.ObjectiveCreated.v3"]
    assert {"name": "superseded"} not in latest["tags"]
    sent = [m["$ref"] for m in platform["operations"]["goals.send.goals"]["messages"]]
    assert "#/channels/goals/messages/ObjectiveCreated.v3" in sent
    assert not any(ref.endswith(("ObjectiveCreated.v1", "ObjectiveCreated.v2")) for ref in sent)
    received = platform["operations"]["reviews.receive.goals"]
    assert len(received["messages"]) == len(platform["channels"]["goals"]["messages"])
    assert received["bindings"]["kafka"]["groupId"]["enum"] == ["okr-reviews"]


def test_a_service_document_has_its_own_operations_and_the_channels_they_use():
    reviews = asyncapi.document("reviews", PLAINTEXT)
    assert set(reviews["channels"]) == {
        "goals",
        "checkins",
        "reviews",
        "audit",
        "deadletter.reviews-relay",
        "deadletter.okr-reviews",
    }
    assert set(reviews["operations"]) == {
        "send.reviews",
        "send.audit",
        "receive.goals",
        "receive.checkins",
        "send.deadletter.reviews-relay",
        "send.deadletter.okr-reviews",
    }
    assert "incentives.PolicyBoundToCycle.v1" not in reviews["components"]["messages"]
    assert reviews["info"]["title"] == "OKR review service events"
    goals = asyncapi.document("goals", PLAINTEXT)
    assert set(goals["operations"]) == {"send.goals", "send.audit", "send.deadletter.goals-relay"}


def test_a_new_context_and_contract_appear_without_changing_the_generator(tmp_path):
    shutil.copytree(
        SCHEMA_DIR, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("audit")
    )
    (tmp_path / "audit").mkdir()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:okr:schema:audit:AuditCheckpointSigned:1",
        "title": "AuditCheckpointSigned",
        "description": "A service signed the chain value it reached.",
        "type": "object",
        "additionalProperties": False,
        "required": ["position"],
        "properties": {"position": {"type": "integer"}},
    }
    (tmp_path / "audit" / "AuditCheckpointSigned.v1.json").write_text(json.dumps(schema))
    doc = asyncapi.document(None, PLAINTEXT, registry=ContractRegistry(tmp_path))
    assert doc["channels"]["audit"]["address"] == "okr.audit.v1"
    assert (
        doc["components"]["messages"]["audit.AuditCheckpointSigned.v1"]["summary"]
        == (schema["description"])
    )
    senders = {key.split(".")[0] for key in doc["operations"] if key.endswith(".send.audit")}
    assert senders == {"goals", "checkins", "reviews", "incentives"}


def test_every_context_with_contracts_has_a_sending_service(platform):
    contexts = {context for context, _, _ in default_registry().contracts()}
    sent = {op["channel"]["$ref"].rsplit("/", 1)[1] for op in platform["operations"].values()}
    assert contexts <= sent


def test_who_sends_and_receives_what_agrees_with_the_services():
    consumed = {
        "checkins": CHECKINS_CONSUMED,
        "reviews": REVIEWS_CONSUMED,
        "incentives": INCENTIVES_CONSUMED,
    }
    for name, topics in consumed.items():
        assert {asyncapi.topic_of(c) for c in asyncapi.service(name).consumes} == set(topics)
    containers = {
        "goals": GoalsContainer,
        "checkins": CheckinsContainer,
        "reviews": ReviewsContainer,
        "incentives": IncentivesContainer,
    }
    for name, container in containers.items():
        relay = inspect.signature(container.new_relay).parameters["name"].default
        assert asyncapi.service(name).relay == relay
        assert asyncapi.topic_of(name) in {
            asyncapi.topic_of(c) for c in asyncapi.service(name).publishes
        }
    groups = {
        "checkins": CheckinsSettings,
        "reviews": ReviewsSettings,
        "incentives": IncentivesSettings,
        "projections": ProjectionsSettings,
    }
    for name, settings in groups.items():
        assert asyncapi.service(name).group == settings.model_fields["consumer_group"].default


def test_the_server_and_topic_names_follow_the_kafka_settings(platform):
    assert platform["servers"]["kafka"]["host"] == "kafka-1:9092"
    assert platform["servers"]["kafka"]["protocol"] == "kafka"
    assert "security" not in platform["servers"]["kafka"]
    assert "securitySchemes" not in platform["components"]
    sasl = KafkaSettings(
        bootstrap_servers="broker:9094",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="okr",
        sasl_password="secret",
        topic_namespace="staging",
    )
    doc = asyncapi.document("reviews", sasl)
    server = doc["servers"]["kafka"]
    assert server["protocol"] == "kafka-secure"
    assert server["security"] == [{"$ref": "#/components/securitySchemes/sasl"}]
    assert doc["components"]["securitySchemes"]["sasl"]["type"] == "scramSha512"
    assert "secret" not in json.dumps(doc)
    assert doc["channels"]["goals"]["address"] == "staging.okr.goals.v1"
    assert doc["channels"]["deadletter.okr-reviews"]["address"] == (
        "staging.okr.deadletter.okr-reviews.v1"
    )


class FakePublisher:
    def __init__(self) -> None:
        self.dead_letters: list = []

    async def publish(self, topic, events):
        pass

    async def send_raw(self, topic, key, value, headers):
        self.dead_letters.append((topic, key, value, headers))


class NoLock:
    def try_acquire(self) -> bool:
        return True

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        pass


async def test_a_relay_quarantine_record_has_the_documented_shape(platform):
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed(app)

    def unpublishable(event, first):
        raise ContractViolation("PersonJoined v1 field 'name': too long", ("name",))

    publisher = FakePublisher()
    relay = OutboxRelay(
        app.store,
        app.store.factory.tracking_recorder(),
        publisher,
        NoLock(),
        unpublishable,
        topic="okr.goals.v1",
        name="goals-relay",
        batch_size=1,
    )
    await relay.relay_once()
    topic, _key, value, headers = publisher.dead_letters[0]
    assert topic == platform["channels"]["deadletter.goals-relay"]["address"]
    message = platform["components"]["messages"]["RelayQuarantine"]
    Draft7Validator(message["headers"]).validate({k: v.decode() for k, v in headers})
    Draft7Validator(message["payload"]).validate(json.loads(value))


async def test_a_consumer_dead_letter_has_the_documented_shape(platform):
    class Broker:
        async def publish(self, body, *, topic, key, headers):
            self.sent = (body, topic, key, headers)

    broker = Broker()
    _key, value, headers = to_kafka(an_event())
    message = SimpleNamespace(
        raw_message=SimpleNamespace(topic="okr.goals.v1", partition=2, offset=41, key=b"2026-Q4"),
        headers={k: v.decode() for k, v in headers},
        body=value,
    )
    await dead_letter(broker, message, "okr-reviews", "no such objective")
    body, topic, key, sent = broker.sent
    assert topic == platform["channels"]["deadletter.okr-reviews"]["address"]
    assert body == value and key == b"2026-Q4"
    Draft7Validator(platform["components"]["messages"]["ConsumerDeadLetter"]["headers"]).validate(
        sent
    )
