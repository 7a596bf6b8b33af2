"""The demo organisation's cycles follow the day it runs: quarters, their weeks, the check-ins."""

import importlib.util
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

PATH = Path(__file__).parents[2] / "deploy" / "local" / "demo_org.py"
_spec = importlib.util.spec_from_file_location("demo_org", PATH)
demo = importlib.util.module_from_spec(_spec)
sys.modules["demo_org"] = demo  # dataclasses look their module up while the file runs
_spec.loader.exec_module(demo)


def _ids(today: date) -> tuple[str, str, str]:
    return tuple(q.cycle_id for q in demo.cycles_around(today))


def _current(today: date) -> list:
    return demo.check_ins(demo.Quarter.of(today), *demo.CURRENT, today)


def _previous(today: date) -> list:
    return demo.check_ins(demo.Quarter.of(today).previous(), *demo.PREVIOUS, today)


@pytest.mark.parametrize(
    ("today", "ids"),
    [
        (date(2026, 12, 1), ("2026-Q3", "2026-Q4", "2027-Q1")),
        (date(2026, 1, 1), ("2025-Q4", "2026-Q1", "2026-Q2")),
        (date(2027, 1, 20), ("2026-Q4", "2027-Q1", "2027-Q2")),
        (date(2026, 3, 31), ("2025-Q4", "2026-Q1", "2026-Q2")),
        (date(2026, 4, 1), ("2026-Q1", "2026-Q2", "2026-Q3")),
        (date(2026, 6, 30), ("2026-Q1", "2026-Q2", "2026-Q3")),
        (date(2026, 7, 1), ("2026-Q2", "2026-Q3", "2026-Q4")),
        (date(2026, 9, 30), ("2026-Q2", "2026-Q3", "2026-Q4")),
        (date(2026, 10, 1), ("2026-Q3", "2026-Q4", "2027-Q1")),
        (date(2026, 12, 31), ("2026-Q3", "2026-Q4", "2027-Q1")),
    ],
)
def test_the_cycles_are_the_quarters_around_the_day(today, ids):
    assert _ids(today) == ids


@pytest.mark.parametrize(
    ("cycle_id", "starts_on", "ends_on", "name"),
    [
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "Q1 2026"),
        ("2028-Q1", date(2028, 1, 1), date(2028, 3, 31), "Q1 2028"),
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "Q2 2026"),
        ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "Q4 2026"),
    ],
)
def test_a_quarter_runs_from_its_first_to_its_last_day(cycle_id, starts_on, ends_on, name):
    quarter = demo.Quarter.of(starts_on)
    assert quarter == demo.Quarter.of(ends_on)
    assert quarter.as_cycle() == {
        "cycle_id": cycle_id,
        "name": name,
        "cadence": "quarterly",
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
    }
    assert demo.Quarter.of(ends_on + timedelta(days=1)) == quarter.next()
    assert demo.Quarter.of(starts_on - timedelta(days=1)) == quarter.previous()


def test_in_january_the_previous_quarter_is_last_years_fourth():
    previous, current, _ = demo.cycles_around(date(2027, 1, 15))
    assert current.as_cycle()["starts_on"] == "2027-01-01"
    assert previous.as_cycle() == {
        "cycle_id": "2026-Q4",
        "name": "Q4 2026",
        "cadence": "quarterly",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
    }


def test_the_weeks_of_a_quarter_end_within_it():
    for quarter in (demo.Quarter(2026, n) for n in (1, 2, 3, 4)):
        weeks = quarter.weeks()
        assert weeks[0] == quarter.starts_on + timedelta(days=6)
        assert weeks[-1] <= quarter.ends_on < weeks[-1] + timedelta(days=7)
        assert all(b - a == timedelta(days=7) for a, b in zip(weeks, weeks[1:], strict=False))
        assert len(weeks) in (12, 13)


def test_at_the_very_start_of_a_quarter_only_the_previous_one_has_check_ins():
    today = date(2026, 10, 1)
    assert _current(today) == []
    previous = _previous(today)
    assert previous
    assert {c.idempotency_key.split("-kr")[0] for c in previous} >= {
        "demo-2026-Q3-company",
        "demo-2026-Q3-rnd",
        "demo-2026-Q3-team-payments",
    }
    # the first check-ins of the current quarter come once its first week is over
    assert _current(date(2026, 10, 7)) == []
    first = _current(date(2026, 10, 8))
    assert first and {c.effective_at for c in first} == {"2026-10-07T12:00:00Z"}


@pytest.mark.parametrize(
    "today",
    [date(2026, 1, 1), date(2026, 1, 20), date(2026, 5, 17), date(2026, 12, 1), date(2026, 12, 31)],
)
def test_check_ins_fall_in_their_cycle_and_before_the_day(today):
    start_of_today = datetime.combine(today, datetime.min.time(), UTC)
    previous, current, _ = demo.cycles_around(today)
    for quarter, found in ((current, _current(today)), (previous, _previous(today))):
        first = datetime.combine(quarter.starts_on, datetime.min.time(), UTC)
        after = datetime.combine(quarter.ends_on + timedelta(days=1), datetime.min.time(), UTC)
        for c in found:
            effective = datetime.fromisoformat(c.effective_at)
            assert first <= effective < after
            assert effective < start_of_today
            assert c.idempotency_key.startswith(f"demo-{quarter.cycle_id}-")
            assert 0 <= c.confidence <= 10
        assert len({c.idempotency_key for c in found}) == len(found)


def test_a_past_quarter_is_checked_in_on_all_its_weeks():
    previous = _previous(date(2026, 12, 1))
    quarter = demo.Quarter(2026, 3)
    assert previous == demo.check_ins(quarter, *demo.PREVIOUS, date(2027, 6, 1))
    assert {c.effective_at[:10] for c in previous} <= {d.isoformat() for d in quarter.weeks()}
    every_other = [c for c in previous if c.idempotency_key.startswith("demo-2026-Q3-rnd-kr0-")]
    assert len(every_other) == len(range(0, len(quarter.weeks()), 2))
    milestone = [
        c.value for c in previous if c.idempotency_key.startswith("demo-2026-Q3-team-payments-kr0-")
    ]
    assert milestone[0] is False and milestone[-1] is True


def test_a_later_run_only_adds_check_ins():
    """Same day, same check-ins; a later day keeps the earlier ones unchanged (the check-in
    service then reports them as duplicates) and adds the weeks since."""
    earlier, later = _current(date(2026, 11, 3)), _current(date(2026, 12, 1))
    assert earlier == _current(date(2026, 11, 3))
    assert set(earlier) < set(later)
    assert all(c.effective_at < "2026-11-03" for c in earlier)
    assert any(c.effective_at > "2026-11-03" for c in later)


def test_values_move_from_start_towards_target():
    found = _current(date(2026, 12, 31))
    by_key = {c.idempotency_key: c for c in found}
    product_time = [c.value for k, c in by_key.items() if "-product-kr0-" in k]
    assert product_time == sorted(product_time, reverse=True)
    assert 45 <= product_time[-1] < product_time[0] <= 95
    assert all(isinstance(c.value, int) for k, c in by_key.items() if "-sales-kr0-" in k)


def test_today_may_be_given_but_not_in_the_future():
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    args = demo.parse_args(["http://g", "http://c", "--today", "2026-10-01"], now)
    assert (args.goals_url, args.checkins_url, args.today) == (
        "http://g",
        "http://c",
        date(2026, 10, 1),
    )
    assert demo.parse_args([], now).today is None
    with pytest.raises(SystemExit):
        demo.parse_args(["--today", "2026-12-02"], now)
    with pytest.raises(SystemExit):
        demo.parse_args(["--today", "2026-13-01"], now)
