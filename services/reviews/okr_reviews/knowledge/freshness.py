"""Whether the learned knowledge may be behind: the port the handlers ask, and its Kafka adapter.

The check-in service's adapter (`okr_checkins.knowledge.freshness`) over several topics
(`okr.goals.v1` and `okr.checkins.v1`): for every partition of every topic, the position applied
is the larger of what this process's consumer recorded and what the consumer group committed;
the knowledge is current when no partition's end offset lies beyond it. An answer "behind" is
reused for `max_age_seconds`; an answer "current" only by refusals that began before it was
asked. When Kafka cannot be asked, the knowledge may be behind.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any, Protocol

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from okr_shared.consumer import AppliedPositions

log = logging.getLogger(__name__)
Offsets = dict[tuple[str, int], int]


class KnowledgeFreshness(Protocol):
    def is_current(self) -> bool:
        """True when the knowledge is known to be up to date; False when it may be behind."""
        ...


class AlwaysCurrent:
    """For a process whose knowledge is not fed from Kafka (tests, tools)."""

    def is_current(self) -> bool:
        return True


class KafkaKnowledgeFreshness:
    """The port over the consumer's positions and the topics' end offsets; answers current until
    `watch()` (called when this process starts consuming)."""

    def __init__(
        self,
        client_kwargs: dict[str, Any],
        topics: list[str],
        group_id: str,
        positions: AppliedPositions,
        max_age_seconds: float = 0.5,
        timeout_seconds: float = 2.0,
    ) -> None:
        self._client_kwargs = client_kwargs
        self._topics = topics
        self._group_id = group_id
        self._positions = positions
        self._max_age = max_age_seconds
        self._timeout = timeout_seconds
        self._watching = False
        self._lock = threading.Lock()
        self._ends: Offsets = {}
        self._committed: Offsets = {}
        self._asked_at = float("-inf")

    def watch(self) -> None:
        self._watching = True

    def is_current(self) -> bool:
        """Blocking: call it from a worker thread, as the application's commands are."""
        if not self._watching:
            return True
        called = time.monotonic()
        with self._lock:
            if called - self._asked_at <= self._max_age and self._behind():
                return False
            if self._asked_at < called:
                try:
                    self._ends, self._committed = _run(self._ask, self._timeout)
                except Exception as exc:
                    log.warning("cannot ask Kafka for the end of %s: %r", self._topics, exc)
                    self._ends, self._committed, self._asked_at = {}, {}, float("-inf")
                    return False
                self._asked_at = called
            return not self._behind()

    def _behind(self) -> bool:
        applied = {(t, p): n for t in self._topics for p, n in self._positions.of(t).items()}
        return any(
            max(applied.get(tp, 0), self._committed.get(tp, 0)) < end
            for tp, end in self._ends.items()
        )

    async def _ask(self) -> tuple[Offsets, Offsets]:
        admin = AIOKafkaAdminClient(**self._client_kwargs)
        consumer = AIOKafkaConsumer(**self._client_kwargs, enable_auto_commit=False)
        await admin.start()
        try:
            await consumer.start()
            try:
                partitions = []
                for described in await admin.describe_topics(self._topics):
                    if described["error_code"]:
                        raise RuntimeError(
                            f"topic {described['topic']}: error {described['error_code']}"
                        )
                    partitions += [
                        TopicPartition(described["topic"], p["partition"])
                        for p in described["partitions"]
                    ]
                ends = await consumer.end_offsets(partitions)
                committed = await admin.list_consumer_group_offsets(
                    self._group_id, partitions=partitions
                )
            finally:
                await consumer.stop()
        finally:
            await admin.close()
        return (
            {(tp.topic, tp.partition): end for tp, end in ends.items()},
            {
                (tp.topic, tp.partition): meta.offset
                for tp, meta in committed.items()
                if meta.offset >= 0
            },
        )


def _run(ask: Any, timeout: float) -> Any:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(asyncio.wait_for(ask(), timeout))
    raise RuntimeError("is_current() blocks: call it from a worker thread, not the event loop")
