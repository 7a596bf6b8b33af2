"""Gauges read at scrape time: the relays' backlog and the consumers' lag per partition.

A relay or a broker registers itself when built (weakly held: one that is gone is forgotten);
`refresh()` asks each before the registry is written out, bounded in time.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from okr_shared.metrics.definitions import CONSUMER_LAG, RELAY_BACKLOG

log = logging.getLogger(__name__)

_relays: weakref.WeakSet[Any] = weakref.WeakSet()
_brokers: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_reported: dict[str, set[tuple[str, str]]] = {}


def watch_relay(relay: Any) -> None:
    """Reports `relay.backlog()` (a blocking store read) as `okr_relay_backlog_events`."""
    _relays.add(relay)


def watch_broker(broker: Any, group: str) -> None:
    """Reports the lag of the FastStream broker's running subscribers for `group`."""
    _brokers[broker] = group


async def refresh(timeout: float = 5.0) -> None:
    """Brings the scrape-time gauges up to date; a source that fails or is slow keeps its last
    values (and is logged), the scrape still answers."""
    jobs = [_relay_backlog(r) for r in list(_relays)]
    jobs += [_consumer_lag(b, g) for b, g in list(_brokers.items())]
    if not jobs:
        return
    try:
        results = await asyncio.wait_for(
            asyncio.gather(*jobs, return_exceptions=True), timeout=timeout
        )
    except TimeoutError:
        log.warning("metrics sources did not answer within %ss", timeout)
        return
    for result in results:
        if isinstance(result, Exception):
            log.warning("a metrics source failed: %r", result)


async def _relay_backlog(relay: Any) -> None:
    backlog = await asyncio.to_thread(relay.backlog)
    RELAY_BACKLOG.labels(relay=relay.name).set(backlog)


def _consumers(broker: Any) -> list[Any]:
    found = []
    for subscriber in getattr(broker, "subscribers", []):
        group = getattr(subscriber, "consumer_subgroup", None) or [
            getattr(subscriber, "consumer", None)
        ]
        found += [c for c in group if c is not None]
    return found


async def _consumer_lag(broker: Any, group: str) -> None:
    """Sets the lag of every partition assigned now; forgets those no longer assigned."""
    seen: set[tuple[str, str]] = set()
    for consumer in _consumers(broker):
        partitions = sorted(consumer.assignment(), key=lambda tp: (tp.topic, tp.partition))
        if not partitions:
            continue
        ends = await consumer.end_offsets(partitions)
        for tp in partitions:
            committed = await consumer.committed(tp)
            done = committed if committed is not None else await consumer.position(tp)
            lag = max(0, ends[tp] - done)
            CONSUMER_LAG.labels(group=group, topic=tp.topic, partition=str(tp.partition)).set(lag)
            seen.add((tp.topic, str(tp.partition)))
    for topic, partition in _reported.get(group, set()) - seen:
        CONSUMER_LAG.remove(group, topic, partition)
    _reported[group] = seen
