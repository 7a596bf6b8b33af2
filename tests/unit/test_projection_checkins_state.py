"""Where a key result stands from its check-ins: live check-ins, the current one, confidence and
its trend."""

from datetime import UTC, datetime, timedelta

import pytest

from okr_projections.check_in_state import (
    NOT_CHECKED_IN,
    as_time,
    check_in_state,
    effective_within,
    state_of,
    timeline,
)
from okr_shared.check_ins import live

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def check_in(
    check_in_id, value, effective_day, recorded_day=None, confidence=7, corrects=None, sequence=None
):
    """A stored check-in effective `effective_day` days after T0 and recorded `recorded_day` days
    after it."""
    recorded = effective_day if recorded_day is None else recorded_day
    return {
        "check_in_id": check_in_id,
        "value": value,
        "confidence": confidence,
        "effective_at": T0 + timedelta(days=effective_day),
        "recorded_at": T0 + timedelta(days=recorded),
        "sequence": sequence,
        "corrects": corrects,
    }


def test_without_check_ins_the_key_result_is_not_checked_in():
    assert check_in_state([]) == NOT_CHECKED_IN
    assert NOT_CHECKED_IN["checked_in"] is False and NOT_CHECKED_IN["current"] is None


def test_the_current_value_is_the_latest_by_effective_time_with_its_confidence_band_and_time():
    state = check_in_state(
        [check_in("a", 40.0, 0, confidence=3), check_in("b", 45.0, 7, confidence=8)]
    )
    assert state == {
        "checked_in": True,
        "current": 45.0,
        "confidence": 8,
        "confidence_band": "on_track",
        "confidence_trend": "rising",
        "last_check_in_at": T0 + timedelta(days=7),
    }


def test_a_back_dated_check_in_recorded_last_does_not_become_current():
    state = check_in_state(
        [
            check_in("a", 40.0, 0, confidence=5),
            check_in("b", 50.0, 14, confidence=6),
            check_in("late", 44.0, 7, recorded_day=20, confidence=9),
        ]
    )
    assert state["current"] == 50.0 and state["last_check_in_at"] == T0 + timedelta(days=14)
    assert state["confidence_trend"] == "falling"


def test_a_correction_replaces_the_check_in_it_names_and_the_trend_compares_with_the_previous_live_one():  # noqa: E501
    wrong = check_in("b", 90.0, 7, confidence=9)
    fixed = check_in("c", 45.0, 7, recorded_day=8, confidence=4, corrects="b")
    check_ins = [check_in("a", 40.0, 0, confidence=6), wrong, fixed]
    assert [c["check_in_id"] for c in live(check_ins)] == ["a", "c"]
    state = check_in_state(check_ins)
    assert (
        state["current"],
        state["confidence"],
        state["confidence_band"],
        state["confidence_trend"],
    ) == (45.0, 4, "at_risk", "falling")


def test_a_correction_of_a_correction_leaves_only_the_last_one_live():
    check_ins = [
        check_in("a", 1.0, 0),
        check_in("b", 2.0, 0, recorded_day=1, corrects="a"),
        check_in("c", 3.0, 0, recorded_day=2, corrects="b"),
    ]
    assert [c["check_in_id"] for c in live(check_ins)] == ["c"]
    assert (
        check_in_state(check_ins)["current"] == 3.0
        and check_in_state(check_ins)["confidence_trend"] == "steady"
    )


def test_a_correction_may_move_a_check_in_back_in_effective_time_so_another_becomes_current():
    check_ins = [
        check_in("a", 40.0, 3),
        check_in("b", 50.0, 10),
        check_in("c", 50.0, 1, recorded_day=11, corrects="b"),
    ]
    assert check_in_state(check_ins)["current"] == 40.0


def test_on_equal_effective_times_the_later_recorded_wins_then_the_later_sequence():
    tied = [
        check_in("a", 1.0, 5, recorded_day=6, sequence=3),
        check_in("b", 2.0, 5, recorded_day=5, sequence=2),
    ]
    assert check_in_state(tied)["current"] == 1.0
    same_time = [check_in("a", 1.0, 5, sequence=3), check_in("b", 2.0, 5, sequence=4)]
    assert [c["check_in_id"] for c in timeline(same_time)] == ["a", "b"]


def test_a_milestone_check_in_carries_its_boolean_value():
    assert check_in_state([check_in("a", True, 0)])["current"] is True


def test_times_become_utc_at_millisecond_precision_whatever_their_offset():
    assert as_time("2026-01-05T10:00:00.123456+01:00") == datetime(
        2026, 1, 5, 9, 0, 0, 123000, tzinfo=UTC
    )
    assert as_time("2026-01-05T09:00:00Z") == as_time(T0)


def test_the_check_in_fields_of_a_stored_key_result_survive_as_its_state():
    kr = {
        "key_result_id": "k1",
        "checked_in": True,
        "current": 45.0,
        "confidence": 8,
        "progress": 0.5,
    }
    assert state_of(kr) == {**NOT_CHECKED_IN, "checked_in": True, "current": 45.0, "confidence": 8}
    assert state_of({"key_result_id": "k1", "checked_in": False, "current": 30.0}) == NOT_CHECKED_IN


@pytest.mark.parametrize("day, found", [(0, "a"), (6, "a"), (7, None), (-1, None)])
def test_a_period_is_done_by_a_live_check_in_effective_from_its_start_up_to_but_excluding_its_end(
    day, found
):
    assert effective_within([check_in("a", 1.0, day)], T0, T0 + timedelta(days=7)) == found


def test_a_corrected_check_in_no_longer_settles_its_period():
    check_ins = [check_in("a", 1.0, 2), check_in("b", 1.0, 9, recorded_day=3, corrects="a")]
    assert effective_within(check_ins, T0, T0 + timedelta(days=7)) is None
    assert effective_within(check_ins, T0 + timedelta(days=7), T0 + timedelta(days=14)) == "b"
