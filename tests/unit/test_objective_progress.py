"""The objective read model folds every v2 objective event."""

import pytest

from okr_projections.documents import OutOfOrderEvent
from okr_projections.objectives.domain import apply_event, involvement
from tests.support.goal_events import created, kr, meta


def fold(*events):
    doc = None
    for version, (event_type, data) in enumerate(events, start=1):
        doc = apply_event(doc, event_type, {"objective_id": "o1", **data}, meta(version))
    return doc


def audit(**fields):
    return {"reason": "because", "correction": False, **fields}


def test_created_objective_starts_its_key_results_at_their_initial_values_and_version_one():
    doc = fold(
        (
            "ObjectiveCreated",
            created(
                key_results=[
                    kr("k1", start=30.0, target=60.0),
                    kr("k2", kind="milestone", start=None, target=None),
                    kr(
                        "k3",
                        kind="range",
                        start=None,
                        target=None,
                        baseline=5.0,
                        lower=2.0,
                        upper=4.0,
                    ),
                ]
            ),
        )
    )
    currents = [(k["current"], k["progress"], k["checked_in"]) for k in doc["key_results"]]
    assert currents == [(30.0, 0.0, False), (False, 0.0, False), (5.0, pytest.approx(0.5), False)]
    assert doc["version"] == 1 and doc["owner_type"] == "person" and doc["visibility"] == "public"
    assert (
        doc["alignments"] == [] and doc["pending_proposals"] == [] and doc["rolled_over_to"] is None
    )


def test_objective_progress_is_the_key_results_progress_weighted_and_normalised():
    doc = fold(
        (
            "ObjectiveCreated",
            created(
                key_results=[
                    kr("k1", kind="milestone", start=None, target=None, weight=0.6),
                    kr(
                        "k2",
                        kind="range",
                        start=None,
                        target=None,
                        baseline=3.0,
                        lower=2.0,
                        upper=4.0,
                        weight=0.2,
                    ),
                ]
            ),
        )
    )
    assert doc["progress"] == pytest.approx(0.2 / 0.8)
    assert doc["rollup_progress"] == pytest.approx(0.2 / 0.8)


def test_an_objective_without_key_results_has_no_progress():
    doc = fold(("ObjectiveCreated", created(key_results=[])))
    assert doc["progress"] is None and doc["rollup_progress"] == 0.0


def test_revising_a_target_recomputes_key_result_progress_from_its_current_value():
    doc = fold(("ObjectiveCreated", created()))
    doc["key_results"][0].update(current=45.0, checked_in=True)
    doc = apply_event(
        doc,
        "KeyResultRevised",
        {
            "objective_id": "o1",
            "key_result_id": "k1",
            "changes": {"target": 90.0},
            "previous": {"target": 60.0},
            **audit(),
        },
        meta(2),
    )
    assert doc["key_results"][0]["progress"] == pytest.approx(0.25)
    assert doc["key_results"][0]["current"] == 45.0 and doc["version"] == 2


def test_revising_the_start_before_any_check_in_moves_the_current_value_with_it():
    doc = fold(
        ("ObjectiveCreated", created()),
        (
            "KeyResultRevised",
            {
                "key_result_id": "k1",
                "changes": {"start": 20.0},
                "previous": {"start": 30.0},
                **audit(),
            },
        ),
    )
    assert doc["key_results"][0]["current"] == 20.0 and doc["key_results"][0]["progress"] == 0.0


def test_revising_range_bounds_recomputes_a_range_key_result():
    doc = fold(
        (
            "ObjectiveCreated",
            created(
                key_results=[
                    kr(kind="range", start=None, target=None, baseline=5.0, lower=2.0, upper=4.0)
                ]
            ),
        ),
        (
            "KeyResultRevised",
            {
                "key_result_id": "k1",
                "changes": {"upper": 6.0},
                "previous": {"upper": 4.0},
                **audit(),
            },
        ),
    )
    assert doc["key_results"][0]["progress"] == 1.0 and doc["progress"] == 1.0


def test_an_added_key_result_joins_the_weighted_progress():
    doc = fold(
        ("ObjectiveCreated", created(key_results=[kr("k1", start=0.0, target=10.0, weight=0.25)])),
        (
            "KeyResultAdded",
            {"key_result": kr("k2", start=10.0, target=0.0, weight=0.25), **audit()},
        ),
    )
    doc["key_results"][0].update(current=10.0, checked_in=True, progress=1.0)
    doc = apply_event(
        doc,
        "KeyResultAdded",
        {
            "objective_id": "o1",
            "key_result": kr("k3", kind="milestone", start=None, target=None, weight=0.5),
            **audit(),
        },
        meta(3),
    )
    assert [k["key_result_id"] for k in doc["key_results"]] == ["k1", "k2", "k3"]
    assert doc["progress"] == pytest.approx(0.25)


def test_revision_status_change_and_rollover_update_the_objective_fields():
    doc = fold(
        ("ObjectiveCreated", created()),
        (
            "ObjectiveRevised",
            {
                "changes": {"title": "Delight", "visibility": "private", "tags": ["a"]},
                "previous": {"title": "UX", "visibility": "public", "tags": ["ux"]},
                **audit(),
            },
        ),
        ("ObjectiveStatusChanged", {"status": "closed", "previous_status": "active", **audit()}),
        ("ObjectiveRolledOver", {"cycle_id": "q1", "to_objective_id": "o2", "to_cycle_id": "q2"}),
    )
    assert (doc["title"], doc["visibility"], doc["tags"], doc["status"]) == (
        "Delight",
        "private",
        ["a"],
        "closed",
    )
    assert doc["rolled_over_to"] == {"objective_id": "o2", "cycle_id": "q2"} and doc["version"] == 4


def test_a_revision_cannot_overwrite_the_documents_bookkeeping():
    doc = fold(
        ("ObjectiveCreated", created()),
        (
            "ObjectiveRevised",
            {"changes": {"version": 99, "progress": 1.0}, "previous": {}, **audit()},
        ),
    )
    assert doc["version"] == 2 and doc["progress"] == 0.0


def test_alignments_are_added_reweighted_and_removed_per_parent():
    doc = fold(
        ("ObjectiveCreated", created(alignments=[("p1", 1.0)])),
        (
            "ObjectiveAligned",
            {"parent_objective_id": "p2", "weight": 0.5, "proposal_id": None, **audit()},
        ),
        (
            "ObjectiveAlignmentRevised",
            {"parent_objective_id": "p1", "weight": 0.8, "previous_weight": 1.0, **audit()},
        ),
    )
    assert sorted((a["parent_objective_id"], a["weight"]) for a in doc["alignments"]) == [
        ("p1", 0.8),
        ("p2", 0.5),
    ]
    doc = apply_event(
        doc,
        "ObjectiveAlignmentRemoved",
        {"objective_id": "o1", "parent_objective_id": "p1", **audit()},
        meta(4),
    )
    assert doc["alignments"] == [{"parent_objective_id": "p2", "weight": 0.5}]


def test_an_accepted_proposal_leaves_pending_and_becomes_an_alignment():
    doc = fold(
        ("ObjectiveCreated", created()),
        (
            "AlignmentProposed",
            {"parent_objective_id": "p1", "proposal_id": "r1", "weight": 1.0, "note": "n"},
        ),
        (
            "AlignmentProposed",
            {"parent_objective_id": "p2", "proposal_id": "r2", "weight": 1.0, "note": None},
        ),
    )
    assert [p["proposal_id"] for p in doc["pending_proposals"]] == ["r1", "r2"]
    doc = apply_event(
        doc,
        "ObjectiveAligned",
        {
            "objective_id": "o1",
            "parent_objective_id": "p1",
            "weight": 1.0,
            "proposal_id": "r1",
            **audit(),
        },
        meta(4),
    )
    doc = apply_event(
        doc,
        "AlignmentProposalDeclined",
        {"objective_id": "o1", "parent_objective_id": "p2", "proposal_id": "r2", "reason": "no"},
        meta(5),
    )
    assert doc["pending_proposals"] == []
    assert doc["alignments"] == [{"parent_objective_id": "p1", "weight": 1.0}]


def test_initiatives_are_nested_under_their_key_result_and_revised_in_place():
    initiative = {
        "initiative_id": "i1",
        "title": "Survey",
        "owner_id": "ana",
        "due_on": "2026-02-01",
        "deliverable": "report",
        "status": "todo",
    }
    doc = fold(
        ("ObjectiveCreated", created(key_results=[kr("k1"), kr("k2")])),
        ("InitiativeAdded", {"key_result_id": "k2", "initiative": initiative, **audit()}),
        (
            "InitiativeRevised",
            {
                "key_result_id": "k2",
                "initiative_id": "i1",
                "changes": {"status": "done"},
                "previous": {"status": "todo"},
                **audit(),
            },
        ),
    )
    assert doc["key_results"][0]["initiatives"] == []
    assert doc["key_results"][1]["initiatives"] == [{**initiative, "status": "done"}]


def test_revising_a_key_result_keeps_its_initiatives():
    initiative = {
        "initiative_id": "i1",
        "title": "Survey",
        "owner_id": "ana",
        "due_on": None,
        "deliverable": "",
        "status": "todo",
    }
    doc = fold(
        ("ObjectiveCreated", created()),
        ("InitiativeAdded", {"key_result_id": "k1", "initiative": initiative, **audit()}),
        (
            "KeyResultRevised",
            {
                "key_result_id": "k1",
                "changes": {"title": "New"},
                "previous": {"title": "Old"},
                **audit(),
            },
        ),
    )
    assert (
        doc["key_results"][0]["initiatives"] == [initiative]
        and doc["key_results"][0]["title"] == "New"
    )


def test_folding_does_not_mutate_the_previous_document():
    before = fold(("ObjectiveCreated", created()))
    apply_event(
        before,
        "ObjectiveAligned",
        {
            "objective_id": "o1",
            "parent_objective_id": "p",
            "weight": 1.0,
            "proposal_id": None,
            **audit(),
        },
        meta(2),
    )
    assert before["alignments"] == [] and before["version"] == 1


def test_event_before_creation_is_out_of_order():
    with pytest.raises(OutOfOrderEvent):
        apply_event(
            None, "ObjectiveRevised", {"objective_id": "o1", "changes": {"title": "x"}}, meta(2)
        )


def test_revising_an_unknown_key_result_cannot_be_projected():
    with pytest.raises(OutOfOrderEvent):
        fold(
            ("ObjectiveCreated", created()),
            (
                "KeyResultRevised",
                {"key_result_id": "nope", "changes": {}, "previous": {}, **audit()},
            ),
        )


def test_involvement_names_every_way_a_person_takes_part():
    initiative = {
        "initiative_id": "i1",
        "title": "t",
        "owner_id": "bob",
        "due_on": None,
        "deliverable": "",
        "status": "todo",
    }
    doc = fold(
        (
            "ObjectiveCreated",
            created(owner_id="ana", key_results=[kr("k1", owner_id="bob"), kr("k2")]),
        ),
        (
            "InitiativeAdded",
            {"key_result_id": "k2", "initiative": {**initiative, "owner_id": "ana"}, **audit()},
        ),
    )
    assert involvement(doc, "ana") == ["owner", "initiative_owner"]
    assert involvement(doc, "bob") == ["key_result_owner"]
    assert involvement(doc, "eve") == []


def test_an_org_unit_owner_is_not_a_person_owner():
    doc = fold(("ObjectiveCreated", created(owner_type="org_unit", owner_id="sales")))
    assert involvement(doc, "sales") == []
