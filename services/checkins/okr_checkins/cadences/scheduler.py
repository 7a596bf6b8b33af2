"""The reminder scheduler: sends due and overdue reminders every interval, on one replica."""

from __future__ import annotations

import asyncio

from okr_checkins.cadences.handlers import CadenceHandlers
from okr_shared.outbox import LeaderLock
from okr_shared.scheduling import run_every


async def remind_forever(
    cadences: CadenceHandlers, lock: LeaderLock, interval_seconds: float, stop: asyncio.Event
) -> None:
    """Sends due and overdue reminders every interval, while holding the reminder lock."""
    await run_every(cadences.send_reminders, lock, interval_seconds, stop, "reminders")
