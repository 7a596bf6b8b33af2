"""Periodic work on one replica: the holder of a leader lock runs it every interval."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from okr_shared.outbox import LeaderLock, wait_holding

log = logging.getLogger(__name__)


async def run_every(
    work: Callable[[], int],
    lock: LeaderLock,
    interval_seconds: float,
    stop: asyncio.Event,
    what: str,
) -> None:
    """Runs the blocking `work` (it answers how many `what` it recorded) every interval while
    holding the lock, until `stop`; a failed run is logged and tried again next interval, and
    the lock is released at the end. The lock's lease is renewed through each interval, so the
    same live replica keeps the work; a run longer than the lease may lose it (the next interval
    takes it again, or another replica does)."""
    try:
        while not stop.is_set():
            if await asyncio.to_thread(lock.try_acquire):
                try:
                    done = await asyncio.to_thread(work)
                    if done:
                        log.info("recorded %s %s", done, what)
                except Exception:
                    log.exception("%s failed; retrying next interval", what)
            await wait_holding(lock, stop, interval_seconds)
    finally:
        await asyncio.to_thread(lock.release)
