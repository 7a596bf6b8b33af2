"""Directory and cycle read models: org units with ancestors, people with managers, cycles with
states."""

import pytest

from okr_projections.cycles.domain import apply_cycle_event
from okr_projections.directory.domain import (
    ancestors_from,
    apply_org_unit_event,
    apply_person_event,
    manager_chain,
)
from okr_projections.documents import OutOfOrderEvent
from tests.support.goal_events import NOW, meta


def unit(event_type, version=1, **data):
    return apply_org_unit_event(None, event_type, data, meta(version))


def test_an_org_unit_is_keyed_by_tenant_and_knows_at_least_its_parent():
    doc = unit(
        "OrgUnitCreated", org_unit_id="sales", name="Sales", kind="department", parent_id="company"
    )
    assert doc["_id"] == "acme:sales" and doc["ancestors"] == ["company"] and doc["version"] == 1


def test_renaming_and_moving_an_org_unit_leaves_ancestors_to_be_derived_by_the_store():
    doc = unit("OrgUnitCreated", org_unit_id="eu", name="EU", kind="team", parent_id="sales")
    doc = apply_org_unit_event(
        doc,
        "OrgUnitRenamed",
        {"org_unit_id": "eu", "name": "Europe", "previous_name": "EU"},
        meta(2),
    )
    doc = apply_org_unit_event(
        doc,
        "OrgUnitMoved",
        {"org_unit_id": "eu", "parent_id": "marketing", "previous_parent_id": "sales"},
        meta(3),
    )
    assert (doc["name"], doc["parent_id"], doc["ancestors"], doc["version"]) == (
        "Europe",
        "marketing",
        ["sales"],
        3,
    )


def test_ancestors_extend_the_parents_ancestors_root_first():
    assert ancestors_from("eu", "sales", ["company"]) == ["company", "sales"]
    assert ancestors_from("eu", "sales", None) == ["sales"]
    assert ancestors_from("company", None, None) == []


def test_a_transient_cycle_of_moves_is_cut_at_the_unit_itself():
    assert ancestors_from("a", "b", ["root", "a"]) == ["b"]


def test_a_person_may_join_before_their_unit_or_manager_exists():
    doc = apply_person_event(
        None,
        "PersonJoined",
        {
            "person_id": "E2",
            "name": "Ana",
            "email": "ana@x",
            "manager_id": "E1",
            "org_unit_id": "sales",
            "locale": "en",
        },
        meta(1),
    )
    assert doc["_id"] == "acme:E2" and doc["active"] and doc["org_unit_id"] == "sales"


def test_a_person_changes_details_moves_leaves_and_returns():
    doc = apply_person_event(
        None,
        "PersonJoined",
        {
            "person_id": "E2",
            "name": "Ana",
            "email": "a@x",
            "manager_id": None,
            "org_unit_id": None,
            "locale": "en",
        },
        meta(1),
    )
    doc = apply_person_event(
        doc,
        "PersonDetailsChanged",
        {
            "person_id": "E2",
            "changes": {"email": "ana@x", "active": False},
            "previous": {"email": "a@x"},
        },
        meta(2),
    )
    doc = apply_person_event(
        doc,
        "PersonMoved",
        {
            "person_id": "E2",
            "org_unit_id": "ops",
            "manager_id": "E1",
            "previous_org_unit_id": None,
            "previous_manager_id": None,
        },
        meta(3),
    )
    assert (doc["email"], doc["active"], doc["org_unit_id"], doc["manager_id"]) == (
        "ana@x",
        True,
        "ops",
        "E1",
    )
    doc = apply_person_event(doc, "PersonLeft", {"person_id": "E2"}, meta(4))
    assert not doc["active"] and doc["left_at"] == NOW
    doc = apply_person_event(
        doc,
        "PersonReturned",
        {"person_id": "E2", "org_unit_id": "sales", "manager_id": None},
        meta(5),
    )
    assert (
        doc["active"]
        and doc["left_at"] is None
        and doc["org_unit_id"] == "sales"
        and doc["version"] == 5
    )


def test_a_person_event_before_joining_is_out_of_order():
    with pytest.raises(OutOfOrderEvent):
        apply_person_event(None, "PersonLeft", {"person_id": "E2"}, meta(2))


def test_the_manager_chain_follows_known_links_and_stops_at_a_loop():
    managers = {"E3": "E2", "E2": "E1", "E1": None}
    assert manager_chain("E3", managers) == ["E2", "E1"]
    assert manager_chain("E9", managers) == []
    assert manager_chain("x", {"x": "y", "y": "x"}) == ["y"]


def test_a_cycle_goes_from_planning_through_active_and_grading_to_closed():
    doc = apply_cycle_event(
        None,
        "CyclePlanned",
        {
            "cycle_id": "2026-Q4",
            "name": "Q4",
            "cadence": "quarterly",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-31",
        },
        meta(1),
    )
    assert doc["_id"] == "acme:2026-Q4" and doc["state"] == "planning"
    for version, (event_type, previous) in enumerate(
        [
            ("CycleActivated", "planning"),
            ("CycleGradingStarted", "active"),
            ("CycleClosed", "grading"),
        ],
        start=2,
    ):
        doc = apply_cycle_event(
            doc,
            event_type,
            {"cycle_id": "2026-Q4", "previous_state": previous, "reason": None},
            meta(version),
        )
    assert doc["state"] == "closed" and [t["state"] for t in doc["transitions"]] == [
        "active",
        "grading",
        "closed",
    ]
