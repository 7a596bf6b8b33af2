"""The grading reminder scheduler: sends due and overdue grading reminders every interval, on one
replica (the holder of the leader lock)."""

from __future__ import annotations

import asyncio

from okr_reviews.reminders.handlers import GradingReminderHandlers
from okr_shared.outbox import LeaderLock
from okr_shared.scheduling import run_every


async def remind_forever(
    reminders: GradingReminderHandlers,
    lock: LeaderLock,
    interval_seconds: float,
    stop: asyncio.Event,
) -> None:
    """Sends the grading reminders due every interval while holding the lock, until `stop`."""
    await run_every(reminders.send_reminders, lock, interval_seconds, stop, "grading reminders")
