"""Pure folds of the check-in read models: a key result's check-in log and the check-ins due per
period."""

from datetime import UTC, datetime, timedelta

from okr_projections.check_in_state import as_time
from okr_projections.check_ins.domain import apply_check_in_event, empty_log, moved_times
from okr_projections.due.domain import apply_reminder, due_key, periods_containing, settled
from tests.support.check_in_events import NOW, WEEK1, WEEK2, corrected, meta, recorded, reminder


def test_the_first_check_in_creates_the_log_with_the_event_time_as_recorded_time_and_its_sequence_as_version():  # noqa: E501
    doc = apply_check_in_event(None, recorded(), meta(2))
    assert doc["_id"] == "acme:k1" and doc["version"] == 2 and doc["reminder_periods"] == []
    (entry,) = doc["check_ins"]
    assert entry["recorded_at"] == as_time(NOW) and entry["effective_at"] == datetime(
        2026, 1, 8, 10, tzinfo=UTC
    )
    assert (entry["sequence"], entry["corrects"], entry["value"], entry["note"]["progress"]) == (
        2,
        None,
        45.0,
        "p",
    )


def test_a_correction_is_added_beside_the_check_in_it_corrects_and_names_it():
    doc = apply_check_in_event(
        apply_check_in_event(None, recorded(), meta(2)), corrected("c2", "c1", value=40.0), meta(3)
    )
    assert [(c["check_in_id"], c["corrects"], c["reason"]) for c in doc["check_ins"]] == [
        ("c1", None, None),
        ("c2", "c1", "typo"),
    ]


def test_folding_the_same_check_in_twice_keeps_one_entry_and_never_mutates_the_previous_document():
    first = apply_check_in_event(None, recorded(), meta(2))
    again = apply_check_in_event(first, recorded(), meta(2))
    assert len(again["check_ins"]) == 1 and again is not first


def test_a_log_opened_by_a_reminder_takes_the_first_check_in():
    log = {**empty_log(reminder(), meta(7)), "reminder_periods": [WEEK1]}
    doc = apply_check_in_event(log, recorded(), meta(2))
    assert log["version"] == 0 and doc["version"] == 2 and doc["reminder_periods"] == [WEEK1]


def test_a_correction_moves_its_own_effective_time_and_that_of_the_check_in_it_corrects():
    doc = apply_check_in_event(None, recorded(), meta(2))
    data = corrected("c2", "c1", effective_at="2026-01-13T00:00:00Z")
    assert moved_times(doc, data) == [
        datetime(2026, 1, 13, tzinfo=UTC),
        datetime(2026, 1, 8, 10, tzinfo=UTC),
    ]
    assert periods_containing([WEEK1, WEEK2], moved_times(doc, data)) == [WEEK1, WEEK2]
    assert (
        periods_containing([WEEK2], [datetime(2026, 1, 12, tzinfo=UTC) - timedelta(microseconds=1)])
        == []
    )


def test_a_due_reminder_opens_an_item_keyed_by_key_result_and_period_for_its_owner():
    item = apply_reminder(None, "CheckInDue", reminder(), meta(3), None)
    assert (
        item["_id"]
        == due_key("acme", "k1", WEEK1["period_start"])
        == "acme:k1:2026-01-05T00:00:00+00:00"
    )
    assert (item["status"], item["owner_id"], item["objective_id"], item["done_by"]) == (
        "due",
        "ana",
        "o1",
        None,
    )
    assert item["period_start"] == datetime(2026, 1, 5, tzinfo=UTC) and item["due_at"] == as_time(
        NOW
    )


def test_an_overdue_reminder_escalates_and_a_late_duplicate_due_does_not_bring_it_back():
    due = apply_reminder(None, "CheckInDue", reminder(), meta(3), None)
    overdue = apply_reminder(
        due, "CheckInOverdue", reminder(), meta(4, time=NOW + timedelta(days=3)), None
    )
    assert (
        overdue["status"] == "overdue"
        and overdue["due_at"] == due["due_at"]
        and overdue["overdue_at"] is not None
    )
    assert apply_reminder(overdue, "CheckInDue", reminder(), meta(3), None) == overdue
    assert apply_reminder(overdue, "CheckInOverdue", reminder(), meta(4), None) == overdue


def test_a_reminder_arriving_after_a_check_in_within_its_period_is_stored_done():
    item = apply_reminder(None, "CheckInOverdue", reminder(), meta(3), "c1")
    assert (item["status"], item["reminder"], item["done_by"]) == ("done", "overdue", "c1")


def test_a_check_in_settles_an_open_item_and_a_correction_out_of_the_period_reopens_it_as_the_reminders_left_it():  # noqa: E501
    overdue = apply_reminder(None, "CheckInOverdue", reminder(), meta(3), None)
    done = settled(overdue, "c1")
    assert done["status"] == "done" and done["done_by"] == "c1"
    assert settled(done, None)["status"] == "overdue"
