"""Check-in states folded into the objective document: key-result fields, progress, and later
revisions."""

from datetime import UTC, datetime

import pytest

from okr_projections.check_in_state import NOT_CHECKED_IN
from okr_projections.objectives.domain import apply_event, arriving_key_results, with_check_ins
from tests.support.goal_events import created, kr, meta

AT = datetime(2026, 1, 8, tzinfo=UTC)


def state(current, confidence=5, trend="steady"):
    return {
        "checked_in": True,
        "current": current,
        "confidence": confidence,
        "confidence_band": "at_risk",
        "confidence_trend": trend,
        "last_check_in_at": AT,
    }


def objective(*key_results):
    return apply_event(None, "ObjectiveCreated", created(key_results=list(key_results)), meta(1))


def test_a_new_key_result_carries_empty_check_in_fields():
    (k1,) = objective(kr("k1"))["key_results"]
    assert {k: k1[k] for k in NOT_CHECKED_IN} == {**NOT_CHECKED_IN, "current": 30.0}


def test_a_check_in_state_sets_the_key_result_fields_its_progress_and_the_weighted_objective_progress():  # noqa: E501
    doc = objective(
        kr("k1", start=30.0, target=60.0, weight=0.5),
        kr("k2", kind="milestone", start=None, target=None, weight=0.5),
    )
    moved = with_check_ins(doc, {"k1": state(45.0, trend="rising"), "k2": state(True)})
    k1, k2 = moved["key_results"]
    assert (
        k1["current"],
        k1["progress"],
        k1["checked_in"],
        k1["confidence_trend"],
        k1["last_check_in_at"],
    ) == (45.0, 0.5, True, "rising", AT)
    assert (k2["current"], k2["progress"]) == (True, 1.0)
    assert moved["progress"] == pytest.approx(0.75) and doc["progress"] == 0.0


def test_states_of_key_results_the_objective_does_not_have_change_nothing():
    doc = objective(kr("k1"))
    assert with_check_ins(doc, {"other": state(59.0)}) == doc


def test_revising_the_target_recomputes_progress_from_the_checked_in_value_and_keeps_the_check_in_fields():  # noqa: E501
    doc = with_check_ins(
        objective(kr("k1", start=30.0, target=60.0)), {"k1": state(45.0, confidence=8)}
    )
    revised = apply_event(
        doc,
        "KeyResultRevised",
        {
            "objective_id": "o1",
            "key_result_id": "k1",
            "changes": {"target": 90.0},
            "previous": {"target": 60.0},
            "reason": "bar",
            "correction": False,
        },
        meta(2),
    )
    (k1,) = revised["key_results"]
    assert (k1["current"], k1["progress"], k1["confidence"], k1["checked_in"]) == (
        45.0,
        pytest.approx(0.25),
        8,
        True,
    )


def test_created_and_added_key_results_are_the_ones_whose_stored_check_ins_apply():
    assert arriving_key_results("ObjectiveCreated", created(key_results=[kr("k1"), kr("k2")])) == [
        "k1",
        "k2",
    ]
    assert arriving_key_results("KeyResultAdded", {"key_result": kr("k3")}) == ["k3"]
    assert arriving_key_results("KeyResultRevised", {"key_result_id": "k1"}) == []
