"""Polling with a deadline, for facts that other processes or consumers bring in asynchronously."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence


async def until_nothing_missing(
    missing: Callable[[], Sequence[str]], seconds: float = 30.0, interval: float = 0.1
) -> None:
    """Polls `missing()` (the facts not there yet) until it is empty; fails naming them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        absent = list(missing())
        if not absent:
            return
        if loop.time() >= deadline:
            raise AssertionError(f"still missing after {seconds}s: {', '.join(absent)}")
        await asyncio.sleep(interval)
