"""Every event of the catalogue has a versioned JSON Schema; old versions upcast to the latest."""

import copy
from datetime import UTC, datetime
from pathlib import Path

import pytest

from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.contracts import ContractViolation, default_registry
from okr_shared.contracts.registry import SCHEMA_DIR
from tests.support.catalogue import assert_schema_is_valid_and_documented, catalogue

GOALS = SCHEMA_DIR / "goals"
O1, O2, KR1, KR2, KR3, I1, P1 = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 8))


def key_result(**fields):
    return {
        "key_result_id": KR1,
        "title": "NPS",
        "kind": "increase_to",
        "owner_id": None,
        "weight": 0.5,
        "unit": "pts",
        "start": 30,
        "target": 60,
        "currency": None,
        "baseline": None,
        "lower": None,
        "upper": None,
        **fields,
    }


RANGE_KR = key_result(
    key_result_id=KR2, kind="range", start=None, target=None, baseline=5, lower=2, upper=8
)
CURRENCY_KR = key_result(key_result_id=KR3, kind="currency", currency="EUR", owner_id="E7")
INITIATIVE = {
    "initiative_id": I1,
    "title": "Survey",
    "owner_id": "E1042",
    "due_on": "2026-11-30",
    "deliverable": "",
    "status": "todo",
}
STATE = {"cycle_id": "2026-Q4", "previous_state": "planning", "reason": None}
ALIGN = {"objective_id": O1, "parent_objective_id": O2}
NO_REASON = {"reason": None, "correction": False}

EXAMPLES = {
    "CyclePlanned": {
        "cycle_id": "2026-Q4",
        "name": "Q4 2026",
        "cadence": "quarterly",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
    },
    "CycleActivated": STATE,
    "CycleGradingStarted": {**STATE, "previous_state": "active", "reason": "quarter over"},
    "CycleClosed": {**STATE, "previous_state": "grading"},
    "OrgUnitCreated": {
        "org_unit_id": "sales",
        "name": "Sales",
        "kind": "department",
        "parent_id": "acme",
    },
    "OrgUnitRenamed": {"org_unit_id": "sales", "name": "Revenue", "previous_name": "Sales"},
    "OrgUnitMoved": {"org_unit_id": "emea", "parent_id": "sales", "previous_parent_id": None},
    "PersonJoined": {
        "person_id": "E1042",
        "name": "Ada",
        "email": "ada@example.com",
        "manager_id": None,
        "org_unit_id": "sales",
        "locale": "en-GB",
    },
    "PersonDetailsChanged": {
        "person_id": "E1042",
        "changes": {"locale": "de-DE"},
        "previous": {"locale": "en-GB"},
    },
    "PersonMoved": {
        "person_id": "E1042",
        "org_unit_id": "emea",
        "manager_id": "E7",
        "previous_org_unit_id": "sales",
        "previous_manager_id": None,
    },
    "PersonLeft": {"person_id": "E1042"},
    "PersonalDataErased": {"person_id": "E1042", "reason": "erasure request 2026-117"},
    "PersonReturned": {"person_id": "E1042", "org_unit_id": None, "manager_id": None},
    "ObjectiveCreated": {
        "objective_id": O1,
        "title": "Delight customers",
        "description": "",
        "level": "team",
        "owner_type": "org_unit",
        "owner_id": "sales",
        "org_unit_id": "sales",
        "cycle_id": "2026-Q4",
        "tags": ["cx"],
        "visibility": "org_unit",
        "status": "draft",
        "commitment": "committed",
        "key_results": [key_result(), RANGE_KR, CURRENCY_KR],
        "alignments": [{"parent_objective_id": O2, "weight": 0.3}],
        "rolled_over_from": {"objective_id": O2, "cycle_id": "2026-Q3", "key_results": {KR1: KR2}},
    },
    "ObjectiveRevised": {
        "objective_id": O1,
        "changes": {"visibility": "private", "tags": [], "commitment": "aspirational"},
        "previous": {"visibility": "public", "tags": ["cx"], "commitment": "committed"},
        "reason": "sensitive",
        "correction": False,
    },
    "ObjectiveStatusChanged": {
        "objective_id": O1,
        "status": "active",
        "previous_status": "draft",
        **NO_REASON,
    },
    "KeyResultAdded": {
        "objective_id": O1,
        **NO_REASON,
        "key_result": key_result(kind="milestone", start=None, target=None),
    },
    "KeyResultRevised": {
        "objective_id": O1,
        "key_result_id": KR1,
        "changes": {"target": 70},
        "previous": {"target": 60},
        "reason": "too easy",
        "correction": True,
    },
    "ObjectiveAligned": {**ALIGN, "weight": 0.4, "proposal_id": None, **NO_REASON},
    "ObjectiveAlignmentRevised": {
        **ALIGN,
        "weight": 0.6,
        "previous_weight": 0.4,
        "reason": "bigger share",
        "correction": False,
    },
    "ObjectiveAlignmentRemoved": {**ALIGN, "reason": "refocus", "correction": False},
    "AlignmentProposed": {**ALIGN, "proposal_id": P1, "weight": 0.2, "note": None},
    "AlignmentProposalDeclined": {**ALIGN, "proposal_id": P1, "reason": "out of scope"},
    "InitiativeAdded": {
        "objective_id": O1,
        "key_result_id": KR1,
        "initiative": INITIATIVE,
        **NO_REASON,
    },
    "InitiativeRevised": {
        "objective_id": O1,
        "key_result_id": KR1,
        "initiative_id": I1,
        "changes": {"status": "done", "due_on": None},
        "previous": {"status": "todo", "due_on": "2026-11-30"},
        "reason": "shipped",
        "correction": False,
    },
    "ObjectiveRolledOver": {
        "objective_id": O1,
        "cycle_id": "2026-Q4",
        "to_objective_id": O2,
        "to_cycle_id": "2027-Q1",
    },
}


def test_every_catalogued_event_has_its_schema_as_the_latest_version():
    events = catalogue("okr.goals.v1")
    assert len(events) == 26
    for name, version in events.items():
        assert (GOALS / f"{name}.v{version}.json").is_file(), name
        assert default_registry().latest_version("goals", name) == version, name
    assert {path.name.split(".")[0] for path in GOALS.glob("*.json")} == set(events)


@pytest.mark.parametrize("path", sorted(GOALS.glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_valid_2020_12_and_documented(path: Path):
    assert_schema_is_valid_and_documented(path, "goals")


def test_there_is_an_example_for_every_event():
    assert set(EXAMPLES) == set(catalogue("okr.goals.v1"))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_payload_is_valid(name):
    default_registry().validate("goals", name, catalogue("okr.goals.v1")[name], EXAMPLES[name])


def _with(name, change):
    data = copy.deepcopy(EXAMPLES[name])
    change(data)
    return data


BAD = [
    ("KeyResultAdded", lambda d: d["key_result"].update(weight=1.5), "key_result/weight"),
    ("ObjectiveCreated", lambda d: d["key_results"][0].update(kind="guess"), "key_results/0/kind"),
    ("ObjectiveCreated", lambda d: d["key_results"][2].update(currency="eur"), "2/currency"),
    ("ObjectiveCreated", lambda d: d["key_results"][0].pop("owner_id"), "owner_id"),
    ("ObjectiveCreated", lambda d: d.update(visibility="secret"), "visibility"),
    ("ObjectiveCreated", lambda d: d.update(commitment="stretch"), "commitment"),
    ("ObjectiveCreated", lambda d: d.pop("commitment"), "commitment"),
    ("ObjectiveRevised", lambda d: d["changes"].update(commitment="maybe"), "changes/commitment"),
    ("ObjectiveCreated", lambda d: d.update(tags=["x" * 51]), "tags/0"),
    ("ObjectiveCreated", lambda d: d["rolled_over_from"].update(extra=1), "rolled_over_from"),
    ("ObjectiveCreated", lambda d: d["alignments"][0].update(weight=-0.1), "alignments/0/weight"),
    ("CyclePlanned", lambda d: d.update(starts_on="2026-13-01"), "starts_on"),
    ("CyclePlanned", lambda d: d.update(ends_on="31/12/2026"), "ends_on"),
    ("CyclePlanned", lambda d: d.update(cadence="weekly"), "cadence"),
    ("CycleClosed", lambda d: d.update(previous_state="open"), "previous_state"),
    ("ObjectiveAligned", lambda d: d.pop("correction"), "correction"),
    ("OrgUnitCreated", lambda d: d.update(kind="squad"), "kind"),
    ("PersonJoined", lambda d: d.update(person_id=""), "person_id"),
    ("PersonJoined", lambda d: d.update(email="ada"), "email"),
    ("PersonDetailsChanged", lambda d: d.update(changes={"salary": 1}), "salary"),
    ("ObjectiveRevised", lambda d: d.update(changes={}), "changes"),
    ("KeyResultRevised", lambda d: d["changes"].update(kind="range"), "kind"),
    ("InitiativeAdded", lambda d: d["initiative"].update(status="started"), "initiative/status"),
    ("InitiativeRevised", lambda d: d["changes"].update(due_on="tomorrow"), "changes/due_on"),
    ("ObjectiveStatusChanged", lambda d: d.update(status="paused"), "status"),
]


@pytest.mark.parametrize("name, change, field", BAD, ids=[f"{n}-{f}" for n, _, f in BAD])
def test_bad_payload_is_a_contract_violation_naming_the_field(name, change, field):
    with pytest.raises(ContractViolation) as err:
        default_registry().validate(
            "goals", name, catalogue("okr.goals.v1")[name], _with(name, change)
        )
    assert field in err.value.reason


def read_old(name, data, version):
    """Reads data of an old version through the default registry; checks it stays untouched and
    ends valid under the latest version."""
    original = copy.deepcopy(data)
    event = CloudEvent(
        id="1",
        source="/okr/goals",
        type=f"okr.goals.{name}",
        subject=O1,
        time=datetime.now(UTC),
        dataschema=schema_urn("goals", name, version),
        data=data,
        tenantid="acme",
        actorid="alice",
        correlationid="c",
        causationid="c",
        sequence=1,
    )
    registry = default_registry()
    upcast = registry.read("goals", event)
    assert data == original
    registry.validate("goals", name, registry.latest_version("goals", name), upcast)
    return upcast


def read_v1(name, data):
    return read_old(name, data, 1)


V1_UP = {
    "key_result_id": KR1,
    "title": "NPS",
    "start": 30,
    "target": 60,
    "unit": "pts",
    "weight": 0.5,
}
V1_DOWN = {
    "key_result_id": KR2,
    "title": "Churn",
    "start": 5,
    "target": 2,
    "unit": "%",
    "weight": 0.5,
}
FILLED = {"owner_id": None, "currency": None, "baseline": None, "lower": None, "upper": None}


def test_objective_created_v1_is_upcast_to_the_latest_version():
    data = {
        "objective_id": O1,
        "title": "UX",
        "description": "d",
        "owner_id": "ceo",
        "level": "company",
        "cycle_id": "2026-Q4",
        "key_results": [V1_UP, V1_DOWN],
    }
    assert read_v1("ObjectiveCreated", data) == {
        **data,
        "owner_type": "person",
        "org_unit_id": None,
        "tags": [],
        "visibility": "public",
        "status": "active",
        "commitment": "aspirational",
        "alignments": [],
        "rolled_over_from": None,
        "key_results": [
            {**V1_UP, **FILLED, "kind": "increase_to"},
            {**V1_DOWN, **FILLED, "kind": "decrease_to"},
        ],
    }


def test_key_result_added_v1_is_upcast_to_v2():
    data = {"objective_id": O1, "key_result": V1_DOWN}
    assert read_v1("KeyResultAdded", data) == {
        "objective_id": O1,
        "key_result": {**V1_DOWN, **FILLED, "kind": "decrease_to"},
        "reason": None,
        "correction": False,
    }


@pytest.mark.parametrize(
    "name, data",
    [
        (
            "ObjectiveRevised",
            {
                "objective_id": O1,
                "changes": {"title": "Best UX"},
                "previous": {"title": "UX"},
                "reason": "clearer",
            },
        ),
        (
            "KeyResultRevised",
            {
                "objective_id": O1,
                "key_result_id": KR1,
                "changes": {"target": 70},
                "previous": {"target": 60},
                "reason": None,
            },
        ),
    ],
)
def test_revisions_v1_are_upcast_to_v2_as_no_correction(name, data):
    assert read_v1(name, data) == {**data, "correction": False}


def v2_of(name):
    """The example of `name` as version 2 of its schema had it (no commitment anywhere)."""
    data = copy.deepcopy(EXAMPLES[name])
    data.pop("commitment", None)
    for part in ("changes", "previous"):
        if part in data:
            data[part].pop("commitment", None)
    default_registry().validate("goals", name, 2, data)
    return data


def test_objective_created_v2_is_upcast_to_v3_as_aspirational():
    data = v2_of("ObjectiveCreated")
    assert read_old("ObjectiveCreated", data, 2) == {**data, "commitment": "aspirational"}


def test_objective_revised_v2_reads_as_v3_unchanged():
    data = v2_of("ObjectiveRevised")
    assert read_old("ObjectiveRevised", data, 2) == data


def test_version_2_refuses_a_commitment_it_did_not_know():
    with pytest.raises(ContractViolation) as err:
        default_registry().validate("goals", "ObjectiveCreated", 2, EXAMPLES["ObjectiveCreated"])
    assert "commitment" in err.value.reason
