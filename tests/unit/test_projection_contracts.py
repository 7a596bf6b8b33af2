"""The events the projection tests feed are valid under the latest published contracts."""

import uuid

import pytest

from okr_shared.contracts import default_registry
from tests.support.goal_events import created, kr

OBJECTIVE, PARENT, PROPOSAL = (str(uuid.uuid4()) for _ in range(3))
KEY_RESULT = kr(str(uuid.uuid4()))
INITIATIVE = {
    "initiative_id": str(uuid.uuid4()),
    "title": "t",
    "owner_id": "ana",
    "due_on": None,
    "deliverable": "",
    "status": "todo",
}
AUDIT = {"reason": None, "correction": False}
SAMPLES = [
    (
        "ObjectiveCreated",
        created(
            OBJECTIVE,
            alignments=[(PARENT, 0.5)],
            key_results=[
                KEY_RESULT,
                kr(str(uuid.uuid4()), kind="milestone", start=None, target=None),
                kr(
                    str(uuid.uuid4()),
                    kind="range",
                    start=None,
                    target=None,
                    baseline=5.0,
                    lower=2.0,
                    upper=4.0,
                ),
            ],
        ),
    ),
    (
        "ObjectiveRevised",
        {
            "objective_id": OBJECTIVE,
            "changes": {"visibility": "private"},
            "previous": {"visibility": "public"},
            **AUDIT,
        },
    ),
    (
        "ObjectiveStatusChanged",
        {"objective_id": OBJECTIVE, "status": "closed", "previous_status": "active", **AUDIT},
    ),
    ("KeyResultAdded", {"objective_id": OBJECTIVE, "key_result": KEY_RESULT, **AUDIT}),
    (
        "KeyResultRevised",
        {
            "objective_id": OBJECTIVE,
            "key_result_id": KEY_RESULT["key_result_id"],
            "changes": {"upper": 6.0},
            "previous": {"upper": 4.0},
            **AUDIT,
        },
    ),
    (
        "ObjectiveAligned",
        {
            "objective_id": OBJECTIVE,
            "parent_objective_id": PARENT,
            "weight": 0.2,
            "proposal_id": PROPOSAL,
            **AUDIT,
        },
    ),
    (
        "ObjectiveAlignmentRevised",
        {
            "objective_id": OBJECTIVE,
            "parent_objective_id": PARENT,
            "weight": 0.6,
            "previous_weight": 0.2,
            **AUDIT,
        },
    ),
    (
        "ObjectiveAlignmentRemoved",
        {"objective_id": OBJECTIVE, "parent_objective_id": PARENT, **AUDIT},
    ),
    (
        "AlignmentProposed",
        {
            "objective_id": OBJECTIVE,
            "parent_objective_id": PARENT,
            "proposal_id": PROPOSAL,
            "weight": 1.0,
            "note": None,
        },
    ),
    (
        "AlignmentProposalDeclined",
        {
            "objective_id": OBJECTIVE,
            "parent_objective_id": PARENT,
            "proposal_id": PROPOSAL,
            "reason": "no",
        },
    ),
    (
        "InitiativeAdded",
        {
            "objective_id": OBJECTIVE,
            "key_result_id": KEY_RESULT["key_result_id"],
            "initiative": INITIATIVE,
            **AUDIT,
        },
    ),
    (
        "InitiativeRevised",
        {
            "objective_id": OBJECTIVE,
            "key_result_id": KEY_RESULT["key_result_id"],
            "initiative_id": INITIATIVE["initiative_id"],
            "changes": {"status": "done"},
            "previous": {"status": "todo"},
            **AUDIT,
        },
    ),
    (
        "ObjectiveRolledOver",
        {
            "objective_id": OBJECTIVE,
            "cycle_id": "q1",
            "to_objective_id": PARENT,
            "to_cycle_id": "q2",
        },
    ),
    (
        "OrgUnitCreated",
        {"org_unit_id": "sales", "name": "Sales", "kind": "department", "parent_id": "company"},
    ),
    ("OrgUnitRenamed", {"org_unit_id": "eu", "name": "Europe", "previous_name": "EU"}),
    (
        "OrgUnitMoved",
        {"org_unit_id": "eu", "parent_id": "marketing", "previous_parent_id": "sales"},
    ),
    (
        "PersonJoined",
        {
            "person_id": "E2",
            "name": "Ana",
            "email": "ana@x.example",
            "manager_id": "E1",
            "org_unit_id": "sales",
            "locale": "en",
        },
    ),
    (
        "PersonDetailsChanged",
        {
            "person_id": "E2",
            "changes": {"email": "ana@y.example"},
            "previous": {"email": "ana@x.example"},
        },
    ),
    (
        "PersonMoved",
        {
            "person_id": "E2",
            "org_unit_id": "ops",
            "manager_id": "E1",
            "previous_org_unit_id": None,
            "previous_manager_id": None,
        },
    ),
    ("PersonLeft", {"person_id": "E2"}),
    ("PersonReturned", {"person_id": "E2", "org_unit_id": "sales", "manager_id": None}),
    (
        "CyclePlanned",
        {
            "cycle_id": "2026-Q4",
            "name": "Q4",
            "cadence": "quarterly",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-31",
        },
    ),
    ("CycleActivated", {"cycle_id": "2026-Q4", "previous_state": "planning", "reason": None}),
    ("CycleGradingStarted", {"cycle_id": "2026-Q4", "previous_state": "active", "reason": None}),
    ("CycleClosed", {"cycle_id": "2026-Q4", "previous_state": "grading", "reason": "done"}),
]


@pytest.mark.parametrize("name, data", SAMPLES, ids=[name for name, _ in SAMPLES])
def test_sample_event_is_valid_under_the_latest_contract(name, data):
    registry = default_registry()
    registry.validate("goals", name, registry.latest_version("goals", name), data)
