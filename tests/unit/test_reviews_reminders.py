"""The pure grading reminder rule: periods from the moment grading opened, the window, who is
reminded of what, people who left and finalised reviews."""

from datetime import UTC, datetime, timedelta

import pytest

from okr_reviews.reminders.domain import (
    DUE,
    MANAGER,
    OVERDUE,
    OWNER,
    KeyResultFacts,
    Person,
    Schedule,
    period_at,
    reminders_due,
)

OPENED = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
WEEKLY = Schedule(period_days=7, window_days=10)
PEOPLE = {
    "dev": Person(True, "lead"),
    "ops": Person(True, "lead"),
    "lead": Person(True, "cto"),
    "cto": Person(True, None),
    "gone": Person(False, "lead"),
}


def kr(key_result_id, *owners, self_scored=False, manager_scored=False):
    return KeyResultFacts(key_result_id, owners, self_scored, manager_scored)


def sent(period, key_results, people=PEOPLE, finalised=False):
    return [
        (r.person_id, r.role, r.kind, r.key_result_ids)
        for r in reminders_due(period, key_results, people, finalised)
    ]


def test_no_period_before_grading_opened():
    assert period_at(WEEKLY, OPENED, OPENED - timedelta(seconds=1)) is None


def test_due_periods_count_from_grading_opened_and_the_last_is_cut_at_the_window():
    first = period_at(WEEKLY, OPENED, OPENED)
    assert (first.kind, first.start, first.end) == (DUE, OPENED, OPENED + timedelta(days=7))
    second = period_at(WEEKLY, OPENED, OPENED + timedelta(days=9, hours=23))
    assert (second.kind, second.start, second.end) == (
        DUE,
        OPENED + timedelta(days=7),
        OPENED + timedelta(days=10),
    )
    assert first.due_by == second.due_by == OPENED + timedelta(days=10)


def test_overdue_periods_count_from_the_end_of_the_window():
    at_the_end = period_at(WEEKLY, OPENED, OPENED + timedelta(days=10))
    later = period_at(WEEKLY, OPENED, OPENED + timedelta(days=17, seconds=1))
    assert (at_the_end.kind, at_the_end.start) == (OVERDUE, OPENED + timedelta(days=10))
    assert (later.kind, later.start, later.end) == (
        OVERDUE,
        OPENED + timedelta(days=17),
        OPENED + timedelta(days=24),
    )


def test_a_window_of_no_days_is_overdue_at_once_and_a_period_needs_a_day():
    assert period_at(Schedule(7, 0), OPENED, OPENED).kind == OVERDUE
    with pytest.raises(ValueError):
        Schedule(period_days=0)


def test_owners_are_reminded_of_what_they_have_not_self_scored_in_one_reminder():
    period = period_at(WEEKLY, OPENED, OPENED)
    facts = [kr("k1", "dev"), kr("k2", "dev"), kr("k3", "dev", self_scored=True), kr("k4", "ops")]
    assert sent(period, facts) == [
        ("dev", OWNER, DUE, ("k1", "k2")),
        ("lead", MANAGER, DUE, ("k3",)),
        ("ops", OWNER, DUE, ("k4",)),
    ]


def test_within_the_window_a_manager_looks_only_at_self_scored_key_results_not_yet_manager_scored():
    period = period_at(WEEKLY, OPENED, OPENED)
    facts = [kr("k1", "dev"), kr("k2", "dev", self_scored=True, manager_scored=True)]
    assert sent(period, facts) == [("dev", OWNER, DUE, ("k1",))]


def test_after_the_window_owners_are_overdue_and_the_manager_looks_at_every_unscored_key_result():
    period = period_at(WEEKLY, OPENED, OPENED + timedelta(days=11))
    facts = [kr("k1", "dev"), kr("k2", "dev", self_scored=True), kr("k3", "lead")]
    assert sent(period, facts) == [
        ("cto", MANAGER, DUE, ("k3",)),
        ("dev", OWNER, OVERDUE, ("k1",)),
        ("lead", MANAGER, DUE, ("k1", "k2")),
        ("lead", OWNER, OVERDUE, ("k3",)),
    ]


def test_people_who_left_are_not_reminded_but_their_manager_is_once_the_window_is_past():
    facts = [kr("k1", "gone")]
    assert sent(period_at(WEEKLY, OPENED, OPENED), facts) == []
    late = period_at(WEEKLY, OPENED, OPENED + timedelta(days=10))
    assert sent(late, facts) == [("lead", MANAGER, DUE, ("k1",))]
    left_manager = {**PEOPLE, "lead": Person(False, "cto")}
    assert sent(late, [kr("k1", "dev")], left_manager) == [("dev", OWNER, OVERDUE, ("k1",))]


def test_key_results_nobody_may_self_score_and_unknown_people_get_no_reminder():
    period = period_at(WEEKLY, OPENED, OPENED + timedelta(days=10))
    assert sent(period, [kr("k1"), kr("k2", "stranger")]) == []


def test_nothing_for_a_finalised_review():
    period = period_at(WEEKLY, OPENED, OPENED + timedelta(days=30))
    assert sent(period, [kr("k1", "dev"), kr("k2", "dev", self_scored=True)], finalised=True) == []


def test_a_manager_is_not_reminded_as_manager_of_a_key_result_they_own_themselves():
    period = period_at(WEEKLY, OPENED, OPENED)
    facts = [kr("k1", "dev", "lead", self_scored=True)]
    assert sent(period, facts) == [("cto", MANAGER, DUE, ("k1",))]
