"""Periodic work on one replica: the holder of a leader lock runs it every interval."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from okr_shared.outbox import LeaderLock

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
    the lock is released at the end."""
    try:
        while not stop.is_set():
            if await asyncio.to_thread(lock.try_acquire):
                try:
                    done = await asyncio.to_thread(work)
                    if done:
                        log.info("recorded %s %s", done, what)
                except Exception:
                    log.exception("%s failed; retrying next interval", what)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_seconds)
    finally:
        await asyncio.to_thread(lock.release)
