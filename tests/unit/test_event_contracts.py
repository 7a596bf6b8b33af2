"""Every stored event is published in its documented, versioned contract; broken messages say
why."""

import json
from datetime import UTC, datetime

import pytest

from okr_goals.alignment.commands import Align, DecideProposal, RemoveAlignment
from okr_goals.bootstrap import GoalFeatures
from okr_goals.contracts import to_cloud_event
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.directory.commands import ImportDirectory
from okr_goals.erasure.commands import ErasePersonalData
from okr_goals.objectives.commands import (
    AddInitiative,
    AddKeyResult,
    Change,
    ChangeObjectiveStatus,
    CreateObjective,
    NewKeyResult,
    ReviseInitiative,
    ReviseKeyResult,
    ReviseObjective,
)
from okr_goals.rollover.commands import RolloverCycle
from okr_shared.cloudevents import CloudEvent, UndecodableEvent, from_kafka, schema_urn, to_kafka
from okr_shared.contracts import ContractRegistry, ContractViolation, default_registry
from tests.support.catalogue import catalogue
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, NEXT_CYCLE, PEOPLE, caller, rows, seed


def _every_kind_of_change() -> GoalFeatures:
    """An application whose store holds at least one event of every published kind."""
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed(app)
    kr = NewKeyResult("ARR", "increase_to", 1.0, start=1.0, target=2.0)
    company = app.objectives.create_objective(
        CreateObjective("Grow", "company", "org_unit", "acme", CYCLE, key_results=(kr,)), ADMIN
    ).objective
    team = app.objectives.create_objective(
        CreateObjective("Checkout", "team", "org_unit", "web", CYCLE, key_results=(kr,)),
        caller("lead"),
    ).objective
    team = app.alignment.align(
        Align(Change(str(team.id), team.version), str(company.id), 0.5), caller("lead")
    ).objective
    team = app.alignment.decide_proposal(
        DecideProposal(Change(str(team.id), team.version), next(iter(team.proposals)), True), ADMIN
    )
    team = app.alignment.align(
        Align(Change(str(team.id), team.version), str(company.id), 0.8), ADMIN
    ).objective
    dept = app.objectives.create_objective(
        CreateObjective("Ship", "department", "org_unit", "rnd", CYCLE), ADMIN
    ).objective
    team = app.alignment.align(
        Align(Change(str(team.id), team.version), str(dept.id), 0.2), caller("lead")
    ).objective
    team = app.alignment.decide_proposal(
        DecideProposal(Change(str(team.id), team.version), next(iter(team.proposals)), False), ADMIN
    )
    team = app.alignment.align(
        Align(Change(str(team.id), team.version), str(dept.id), 0.2), ADMIN
    ).objective
    team = app.alignment.remove_alignment(
        RemoveAlignment(Change(str(team.id), team.version), str(dept.id)), ADMIN
    )
    team = app.objectives.revise_objective(
        ReviseObjective(Change(str(team.id), team.version), {"tags": ["ux"]}), ADMIN
    )
    team = app.objectives.revise_key_result(
        ReviseKeyResult(
            Change(str(team.id), team.version), team.key_results[0].key_result_id, {"target": 3.0}
        ),
        ADMIN,
    )
    team, item = app.objectives.add_initiative(
        AddInitiative(
            Change(str(team.id), team.version), team.key_results[0].key_result_id, "A/B test", "dev"
        ),
        ADMIN,
    )
    team = app.objectives.revise_initiative(
        ReviseInitiative(
            Change(str(team.id), team.version), item.initiative_id, {"status": "in_progress"}
        ),
        ADMIN,
    )
    team = app.objectives.add_key_result(
        AddKeyResult(Change(str(team.id), team.version), NewKeyResult("Launch", "milestone")), ADMIN
    )
    app.objectives.change_status(
        ChangeObjectiveStatus(Change(str(dept.id), dept.version), "archived"), ADMIN
    )
    app.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), ADMIN)
    app.cycles.advance_cycle(AdvanceCycle(CYCLE, "grading"), ADMIN)
    app.cycles.advance_cycle(AdvanceCycle(CYCLE, "closed"), ADMIN)
    app.rollover.rollover(RolloverCycle(CYCLE, NEXT_CYCLE), ADMIN)
    people = [dict(p) for p in PEOPLE]
    people[1].update(name="Samuel Sales", org_unit_id="rnd")
    people[2].update(status="left")
    units = [
        {"org_unit_id": "acme", "name": "Acme Corp", "kind": "company"},
        {"org_unit_id": "web", "name": "Web", "kind": "team", "parent_id": "sales"},
    ]
    app.directory.import_directory(
        ImportDirectory(org_units=rows(units), people=rows(people)), ADMIN
    )
    people[2].update(status="active")
    app.directory.import_directory(ImportDirectory(people=rows(people)), ADMIN)
    app.erasure.erase(ErasePersonalData(people[2]["person_id"], "request 7"), ADMIN)
    return app


APP = _every_kind_of_change()


def published():
    first_versions = {}

    def first(e):
        return first_versions.setdefault(
            e.originator_id, APP.store.repository.get(e.originator_id, version=1)
        )

    stored = APP.store.recorder.select_notifications(0, 10_000)
    forms = (
        to_cloud_event(APP.store.mapper.to_domain_event(n), default_registry(), first)
        for n in stored
    )
    return [f for f in forms if f is not None]


def test_every_event_in_the_catalogue_is_published_with_a_valid_contract():
    events = published()
    documented = set(catalogue("okr.goals.v1"))
    assert {e.type.removeprefix("okr.goals.") for e in events} == documented
    assert all(e.tenantid == "acme" and e.actorid for e in events)


def test_events_name_their_business_key_and_never_carry_stored_state():
    for e in published():
        assert e.subject in {str(v) for v in e.data.values()}
        assert (
            "meta" not in e.data
            and "originator_topic" not in e.data
            and "request_fingerprint" not in e.data
        )


def test_kafka_binary_mode_round_trip_keeps_every_attribute():
    event = next(e for e in published() if e.type == "okr.goals.ObjectiveCreated")
    key, value, headers = to_kafka(event)
    assert key == event.subject.encode()
    names = {k for k, _ in headers}
    assert {
        "ce_id",
        "ce_type",
        "ce_source",
        "ce_time",
        "ce_subject",
        "ce_specversion",
        "traceparent",
    } <= names
    decoded = from_kafka({k: v.decode() for k, v in headers}, value)
    assert decoded.data == event.data and decoded.sequence == 1 and decoded.tenantid == "acme"


@pytest.mark.parametrize(
    "breakage, reason",
    [
        (lambda h, v: (h, b"not json"), "not JSON"),
        (lambda h, v: ({k: x for k, x in h.items() if k != "ce_id"}, v), "ce_id"),
        (lambda h, v: ({**h, "ce_specversion": "0.3"}, v), "specversion"),
        (lambda h, v: ({**h, "ce_dataschema": "whatever"}, v), "schema"),
    ],
)
def test_undecodable_messages_say_why(breakage, reason):
    _, value, headers = to_kafka(published()[0])
    h, v = breakage({k: x.decode() for k, x in headers}, value)
    with pytest.raises(UndecodableEvent) as err:
        from_kafka(h, v)
    assert reason in err.value.reason


def test_data_breaking_its_schema_is_a_contract_violation_naming_the_field():
    event = next(e for e in published() if e.type == "okr.goals.ObjectiveCreated")
    bad = CloudEvent(**{**event.__dict__, "data": {**event.data, "level": "galaxy"}})
    with pytest.raises(ContractViolation) as err:
        default_registry().read("goals", bad)
    assert "level" in err.value.reason


def test_version_1_data_is_upcast_to_version_2(tmp_path):
    # Version 2 of a test contract adds a required `confidence`; v1 data gets the documented
    # default.
    (tmp_path / "demo").mkdir()
    v1 = {
        "type": "object",
        "required": ["objective_id"],
        "properties": {"objective_id": {"type": "string"}},
        "additionalProperties": False,
    }
    v2 = {
        **v1,
        "required": ["objective_id", "confidence"],
        "properties": {**v1["properties"], "confidence": {"type": "number"}},
    }
    (tmp_path / "demo" / "Checked.v1.json").write_text(json.dumps(v1))
    (tmp_path / "demo" / "Checked.v2.json").write_text(json.dumps(v2))
    registry = ContractRegistry(tmp_path)
    registry.register_upcaster("demo", "Checked", 1, lambda d: {**d, "confidence": 0.5})
    old = CloudEvent(
        id="1",
        source="/t",
        type="okr.demo.Checked",
        subject="o",
        time=datetime.now(UTC),
        dataschema=schema_urn("demo", "Checked", 1),
        data={"objective_id": "o"},
        tenantid="t",
        actorid="a",
        correlationid="c",
        causationid="c",
        sequence=1,
    )
    assert registry.read("demo", old) == {"objective_id": "o", "confidence": 0.5}
