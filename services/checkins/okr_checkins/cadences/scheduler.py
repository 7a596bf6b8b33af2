"""The reminder scheduler: sends due and overdue reminders every interval, on one replica."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from okr_checkins.cadences.handlers import CadenceHandlers
from okr_shared.outbox import LeaderLock

log = logging.getLogger(__name__)


async def remind_forever(
    cadences: CadenceHandlers, lock: LeaderLock, interval_seconds: float, stop: asyncio.Event
) -> None:
    """Sends due and overdue reminders every interval, while holding the reminder lock."""
    try:
        while not stop.is_set():
            if await asyncio.to_thread(lock.try_acquire):
                try:
                    sent = await asyncio.to_thread(cadences.send_reminders)
                    if sent:
                        log.info("recorded %s reminders", sent)
                except Exception:
                    log.exception("reminders failed; retrying next interval")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
    finally:
        await asyncio.to_thread(lock.release)
