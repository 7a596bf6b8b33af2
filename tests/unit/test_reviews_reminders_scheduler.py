"""The grading reminder scheduler: sends every interval only while it holds the leader lock,
survives a failed run, and stops (releasing the lock) as soon as it is told to."""

import asyncio
import threading

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from okr_reviews.bootstrap import bootstrap
from okr_reviews.http import create_http_app
from okr_reviews.reminders.scheduler import remind_forever
from okr_reviews.settings import ReviewsSettings
from okr_shared.knowledge_table import MemoryKnowledge


class Lock:
    """A leader lock that is free or held elsewhere; signals once it was tried three times."""

    def __init__(self, free: bool) -> None:
        self.free = free
        self.tries = 0
        self.tried_thrice = threading.Event()
        self.released = False

    def try_acquire(self) -> bool:
        self.tries += 1
        if self.tries >= 3:
            self.tried_thrice.set()
        return self.free

    def still_held(self) -> bool:
        return self.free

    def release(self) -> None:
        self.released = True


class Reminders:
    """Counts its runs, failing the first `failures`; signals once `wanted` runs happened."""

    def __init__(self, wanted: int, failures: int = 0) -> None:
        self.runs = 0
        self.failures = failures
        self.wanted = wanted
        self.enough = threading.Event()

    def send_reminders(self) -> int:
        self.runs += 1
        if self.runs >= self.wanted:
            self.enough.set()
        if self.runs <= self.failures:
            raise RuntimeError("store unavailable")
        return 1


async def run_until(reminders, lock, interval, condition):
    """Runs the scheduler until `condition` (a threading.Event) is set, then stops it."""
    stop = asyncio.Event()
    task = asyncio.create_task(remind_forever(reminders, lock, interval, stop))
    assert await asyncio.to_thread(condition.wait, 10)
    stop.set()
    await asyncio.wait_for(task, 10)


async def test_the_holder_of_the_lock_sends_every_interval_and_releases_the_lock_at_stop():
    reminders, lock = Reminders(wanted=3), Lock(free=True)
    await run_until(reminders, lock, 0.001, reminders.enough)
    assert reminders.runs >= 3 and lock.released


async def test_without_the_lock_nothing_is_sent_but_the_scheduler_keeps_trying():
    reminders, lock = Reminders(wanted=1), Lock(free=False)
    await run_until(reminders, lock, 0.001, lock.tried_thrice)
    assert lock.tries >= 3 and reminders.runs == 0 and lock.released


async def test_a_failed_run_is_retried_at_the_next_interval():
    reminders, lock = Reminders(wanted=2, failures=1), Lock(free=True)
    await run_until(reminders, lock, 0.001, reminders.enough)
    assert reminders.runs >= 2


async def test_stop_ends_the_wait_for_the_next_interval_at_once():
    reminders, lock = Reminders(wanted=1), Lock(free=True)
    stop = asyncio.Event()
    task = asyncio.create_task(remind_forever(reminders, lock, 3600, stop))
    assert await asyncio.to_thread(reminders.enough.wait, 10)
    stop.set()
    await asyncio.wait_for(task, 5)
    assert reminders.runs == 1 and lock.released


def test_the_service_runs_the_scheduler_as_a_checked_task_and_stops_it_at_shutdown(tmp_path):
    env = {
        "REVIEWS_PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "REVIEWS_SQLITE_DBNAME": str(tmp_path / "reviews.sqlite"),
    }
    settings = ReviewsSettings(
        event_store=env,
        consume=False,
        relay_enabled=False,
        grading_reminder_interval_seconds=3600,
    )
    container = bootstrap(settings, knowledge=MemoryKnowledge())
    reminders, ran = container.handlers.reminders, threading.Event()
    send = reminders.send_reminders
    reminders.send_reminders = lambda: (ran.set(), send())[1]
    with TestClient(create_http_app(container)) as client:
        assert ran.wait(10)
        assert client.get("/health/ready").json()["checks"]["grading-reminders"]["ok"]
        assert not container.grading_reminder_lock().try_acquire()
    other = container.grading_reminder_lock()
    assert other.try_acquire()
    other.release()


def test_the_scheduler_is_not_started_when_switched_off(tmp_path):
    settings = ReviewsSettings(
        event_store={"REVIEWS_PERSISTENCE_MODULE": "eventsourcing.popo"},
        consume=False,
        relay_enabled=False,
        grading_reminders_enabled=False,
    )
    container = bootstrap(settings, knowledge=MemoryKnowledge())
    with TestClient(create_http_app(container)) as client:
        assert "grading-reminders" not in client.get("/health/ready").json()["checks"]


def test_the_reminder_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OKR_REVIEWS_GRADING_REMINDER_PERIOD_DAYS", "3")
    monkeypatch.setenv("OKR_REVIEWS_GRADING_WINDOW_DAYS", "10")
    monkeypatch.setenv("OKR_REVIEWS_GRADING_REMINDER_INTERVAL", "5")
    settings = ReviewsSettings()
    assert (
        settings.grading_reminder_period_days,
        settings.grading_window_days,
        settings.grading_reminder_interval_seconds,
        settings.grading_reminders_enabled,
    ) == (3, 10, 5.0, True)
    monkeypatch.setenv("OKR_REVIEWS_GRADING_REMINDER_PERIOD_DAYS", "0")
    with pytest.raises(ValidationError):
        ReviewsSettings()
