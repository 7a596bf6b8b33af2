"""Due and overdue reminders: once per period and key result, also after a restart, with a settable clock."""

from datetime import UTC, date, datetime

import pytest

from okr_checkins.application.commands import RecordCheckIn, Report, SetCadence
from okr_checkins.application.service import CheckinsApplication
from okr_checkins.domain.cadence import ReminderLedger, period_at
from okr_shared.errors import Forbidden
from tests.support.checkins_world import FEB, World
from tests.support.org import ADMIN, caller


def reminders(app) -> list[tuple[str, str, str]]:
    """(kind, key result, period start) of every reminder recorded so far."""
    found = []
    for n in app.recorder.select_notifications(0, 10_000):
        event = app.mapper.to_domain_event(n)
        if isinstance(event, (ReminderLedger.DueSent, ReminderLedger.OverdueSent)):
            found.append((type(event).__name__, event.key_result_id, event.period_start))
    return found


@pytest.fixture
def world(tmp_path) -> World:
    world = World()
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "checkins.sqlite"),
    }
    world.env = env
    world.app = CheckinsApplication(env=env, knowledge=world.knowledge, clock=world.clock)
    return world


def test_weekly_periods_count_from_the_cycle_start_and_the_last_ends_with_the_cycle():
    period = period_at("weekly", date(2026, 1, 1), date(2026, 3, 31), FEB)
    assert (period.index, period.start.date(), period.end.date()) == (
        6,
        date(2026, 2, 12),
        date(2026, 2, 19),
    )
    last = period_at(
        "monthly", date(2026, 1, 31), date(2026, 3, 15), datetime(2026, 3, 1, tzinfo=UTC)
    )
    assert (last.start.date(), last.end.date()) == (date(2026, 2, 28), date(2026, 3, 16))
    assert (
        period_at("weekly", date(2026, 1, 1), date(2026, 3, 31), datetime(2026, 4, 1, tzinfo=UTC))
        is None
    )


def test_reminders_go_out_once_per_period_even_after_a_restart(world):
    assert world.app.send_reminders() == 6  # 3 key results: due now, overdue for last week
    assert world.app.send_reminders() == 0
    restarted = CheckinsApplication(env=world.env, knowledge=world.knowledge, clock=world.clock)
    assert restarted.send_reminders() == 0
    restarted.record_check_in(RecordCheckIn(world.numeric, Report(50.0, 8)), caller("dev"))
    world.clock.advance(days=3)
    assert restarted.send_reminders() == 5  # due for all 3; overdue only where nobody checked in
    sent = reminders(restarted)
    assert len(sent) == len(set(sent)) == 11
    assert ("OverdueSent", world.numeric, "2026-02-12T00:00:00+00:00") not in sent


def test_an_org_unit_cadence_overrides_the_tenant_default(world):
    with pytest.raises(Forbidden):
        world.app.set_cadence(SetCadence("monthly", "rnd"), caller("cto"))
    world.app.set_cadence(SetCadence("monthly", "rnd", "monthly rhythm in R&D"), ADMIN)
    assert world.app.cadence_for("acme", "web") == "monthly"
    assert world.app.cadence_for("acme", "sales") == "weekly"
    assert (
        world.app.send_reminders() == 2 + 2 + 2
    )  # web: due + overdue (Jan) x2; rep's: due + overdue (week)
