"""Published events follow their JSON Schemas; old versions are upcast for consumers."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from okr_goals.adapters.event_contracts import to_cloud_event
from okr_goals.domain.objective import EventMeta, KeyResult, Objective
from okr_shared.cloudevents import CloudEvent, UndecodableEvent, from_kafka, schema_urn, to_kafka
from okr_shared.contracts import ContractRegistry, ContractViolation, default_registry

META = EventMeta(tenant_id="acme", actor_id="alice", correlation_id="corr", causation_id="req",
                 traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")


def domain_events():
    kr = KeyResult(str(uuid.uuid4()), "NPS", 30.0, 60.0, "pts", 0.5)
    o = Objective.create(objective_id=uuid.uuid4(), title="UX", description="d", owner_id="ceo", level="company",
                         cycle_id="q", key_results=[kr], meta=META)
    o.add_key_result(KeyResult(str(uuid.uuid4()), "Churn", 5.0, 2.0, "%", 0.5), META)
    o.revise({"title": "Best UX"}, "clearer", META)
    o.revise_key_result(kr.key_result_id, {"target": 70.0}, None, META)
    return o.collect_events()


def test_every_goal_event_maps_to_a_valid_contract_with_metadata():
    events = [to_cloud_event(e, default_registry()) for e in domain_events()]
    assert [e.type for e in events] == ["okr.goals.ObjectiveCreated", "okr.goals.KeyResultAdded",
                                        "okr.goals.ObjectiveRevised", "okr.goals.KeyResultRevised"]
    assert all(e.tenantid == "acme" and e.actorid == "alice" and e.correlationid == "corr" for e in events)
    assert [e.sequence for e in events] == [1, 2, 3, 4]
    assert "meta" not in events[0].data and "originator_topic" not in events[0].data


def test_kafka_binary_mode_round_trip_keeps_every_attribute():
    event = to_cloud_event(domain_events()[0], default_registry())
    key, value, headers = to_kafka(event)
    assert key == event.subject.encode()
    names = {k for k, _ in headers}
    assert {"ce_id", "ce_type", "ce_source", "ce_time", "ce_subject", "ce_specversion", "traceparent"} <= names
    decoded = from_kafka({k: v.decode() for k, v in headers}, value)
    assert decoded.data == event.data and decoded.sequence == 1 and decoded.tenantid == "acme"


@pytest.mark.parametrize("breakage, reason", [
    (lambda h, v: (h, b"not json"), "not JSON"),
    (lambda h, v: ({k: x for k, x in h.items() if k != "ce_id"}, v), "ce_id"),
    (lambda h, v: ({**h, "ce_specversion": "0.3"}, v), "specversion"),
    (lambda h, v: ({**h, "ce_dataschema": "whatever"}, v), "schema"),
])
def test_undecodable_messages_say_why(breakage, reason):
    _, value, headers = to_kafka(to_cloud_event(domain_events()[0], default_registry()))
    h, v = breakage({k: x.decode() for k, x in headers}, value)
    with pytest.raises(UndecodableEvent) as err:
        from_kafka(h, v)
    assert reason in err.value.reason


def test_data_breaking_its_schema_is_a_contract_violation_naming_the_field():
    event = to_cloud_event(domain_events()[0], default_registry())
    bad = CloudEvent(**{**event.__dict__, "data": {**event.data, "level": "galaxy"}})
    with pytest.raises(ContractViolation) as err:
        default_registry().read("goals", bad)
    assert "level" in err.value.reason


def test_version_1_data_is_upcast_to_version_2(tmp_path):
    # Version 2 of a test contract adds a required `confidence`; v1 data gets the documented default.
    (tmp_path / "demo").mkdir()
    v1 = {"type": "object", "required": ["objective_id"], "properties": {"objective_id": {"type": "string"}},
          "additionalProperties": False}
    v2 = {**v1, "required": ["objective_id", "confidence"],
          "properties": {**v1["properties"], "confidence": {"type": "number"}}}
    (tmp_path / "demo" / "Checked.v1.json").write_text(json.dumps(v1))
    (tmp_path / "demo" / "Checked.v2.json").write_text(json.dumps(v2))
    registry = ContractRegistry(tmp_path)
    registry.register_upcaster("demo", "Checked", 1, lambda d: {**d, "confidence": 0.5})
    old = CloudEvent(id="1", source="/t", type="okr.demo.Checked", subject="o", time=datetime.now(UTC),
                     dataschema=schema_urn("demo", "Checked", 1), data={"objective_id": "o"}, tenantid="t",
                     actorid="a", correlationid="c", causationid="c", sequence=1)
    assert registry.read("demo", old) == {"objective_id": "o", "confidence": 0.5}
