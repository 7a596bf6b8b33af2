"""Pure folds of the open grading read model: reminders open items, scores and finalisation
settle them, in any order, and duplicates change nothing."""

from datetime import UTC, datetime

from okr_projections.grading_due.domain import (
    apply_reminder,
    apply_score,
    empty_state,
    item_key,
    settled,
)
from tests.support.review_events import finalised, review_id_of, review_meta, scored

REVIEW = review_id_of("o1")
WEEK1 = ("2026-04-01T09:00:00+00:00", "2026-04-08T09:00:00+00:00")
WEEK3 = ("2026-04-15T09:00:00+00:00", "2026-04-22T09:00:00+00:00")
DUE_BY = "2026-04-15T09:00:00+00:00"


def reminder(key_result_ids=("k1", "k2"), person="alice", role="owner", period=WEEK1):
    return {
        "review_id": REVIEW,
        "cycle_id": "q1",
        "objective_id": "o1",
        "key_result_ids": list(key_result_ids),
        "person_id": person,
        "role": role,
        "period_start": period[0],
        "period_end": period[1],
        "due_by": DUE_BY,
    }


def state(*events):
    """The review's grading state after (event name, data) pairs."""
    doc = empty_state("acme", REVIEW)
    for name, data in events:
        doc = apply_score(doc, name, data)
    return doc


def fold(*reminders, review_state=None):
    """The item after (event name, data) reminders, settled by `review_state`."""
    doc, review_state = None, review_state or state()
    for version, (name, data) in enumerate(reminders, start=1):
        doc = apply_reminder(doc, review_state, name, data, review_meta(version, actor="sched"))
    return doc


def test_a_reminder_opens_an_item_per_review_person_and_role_with_its_key_results():
    doc = fold(("GradingDue", reminder()))
    assert doc["_id"] == item_key("acme", REVIEW, "alice", "owner")
    assert (doc["status"], doc["reminder"], doc["open_key_result_ids"]) == (
        "due",
        "due",
        ["k1", "k2"],
    )
    assert doc["period_start"] == datetime(2026, 4, 1, 9, tzinfo=UTC)
    assert doc["due_by"] == datetime(2026, 4, 15, 9, tzinfo=UTC) and doc["due_at"] is not None


def test_a_duplicate_reminder_changes_nothing():
    once = fold(("GradingDue", reminder()))
    assert apply_reminder(once, state(), "GradingDue", reminder(), review_meta(1)) == once


def test_overdue_escalates_and_moves_to_the_latest_period_and_an_older_reminder_does_not_go_back():
    doc = fold(
        ("GradingOverdue", reminder(period=WEEK3)),
        ("GradingDue", reminder(period=WEEK1)),
    )
    assert (doc["status"], doc["reminder"]) == ("overdue", "overdue")
    assert doc["period_start"] == datetime(2026, 4, 15, 9, tzinfo=UTC)
    assert doc["due_at"] is not None and doc["overdue_at"] is not None


def test_key_results_named_in_later_periods_join_the_item():
    doc = fold(
        ("GradingDue", reminder(["k1"], "bob", "manager")),
        ("GradingDue", reminder(["k2"], "bob", "manager", WEEK3)),
    )
    assert doc["key_result_ids"] == doc["open_key_result_ids"] == ["k1", "k2"]


def test_self_scores_settle_the_owners_key_results_one_by_one_and_then_the_item():
    doc = fold(("GradingDue", reminder()))
    partly = settled(doc, state(("KeyResultScored", scored("o1", "k1"))))
    assert (partly["status"], partly["open_key_result_ids"]) == ("due", ["k2"])
    both = state(("KeyResultScored", scored("o1", "k1")), ("KeyResultScored", scored("o1", "k2")))
    assert settled(doc, both)["status"] == "done"


def test_a_manager_score_settles_the_managers_item_but_not_the_owners():
    scores = state(("KeyResultScored", scored("o1", "k1", kind="manager")))
    owner = settled(fold(("GradingDue", reminder(["k1"]))), scores)
    manager = settled(fold(("GradingDue", reminder(["k1"], "bob", "manager"))), scores)
    assert (owner["status"], manager["status"]) == ("due", "done")


def test_a_score_that_arrived_before_the_reminder_naming_it_still_settles_it():
    early = state(("KeyResultScored", scored("o1", "k1")))
    doc = fold(("GradingDue", reminder(["k1"])), review_state=early)
    assert (doc["status"], doc["open_key_result_ids"]) == ("done", [])


def test_finalisation_settles_every_item_of_the_review_even_later_reminders():
    final = state(("ReviewFinalised", finalised("o1")))
    assert settled(fold(("GradingOverdue", reminder())), final)["status"] == "done"
    assert (
        fold(("GradingDue", reminder(["k1"], "bob", "manager")), review_state=final)["status"]
        == "done"
    )


def test_scores_are_kept_once_and_corrections_settle_nothing():
    twice = state(("KeyResultScored", scored("o1", "k1")), ("KeyResultScored", scored("o1", "k1")))
    assert twice["self_scored"] == ["k1"]
    corrected = state(("KeyResultScored", scored("o1", "k1", kind="correction")))
    assert corrected == empty_state("acme", REVIEW)
