"""The grading reminder scheduler: sends due and overdue grading reminders every interval, on one
replica (the holder of the leader lock)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from okr_reviews.reminders.handlers import GradingReminderHandlers
from okr_shared.outbox import LeaderLock

log = logging.getLogger(__name__)


async def remind_forever(
    reminders: GradingReminderHandlers,
    lock: LeaderLock,
    interval_seconds: float,
    stop: asyncio.Event,
) -> None:
    """Sends the grading reminders due every interval while holding the lock, until `stop`."""
    try:
        while not stop.is_set():
            if await asyncio.to_thread(lock.try_acquire):
                try:
                    sent = await asyncio.to_thread(reminders.send_reminders)
                    if sent:
                        log.info("recorded %s grading reminders", sent)
                except Exception:
                    log.exception("grading reminders failed; retrying next interval")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
    finally:
        await asyncio.to_thread(lock.release)
