"""Whether the goal knowledge may be behind: the port the handlers ask, and its Kafka adapter.

The adapter: whether the goal consumer has applied everything Kafka holds on the goals topic.

For every partition of the topic, the position applied is the larger of what this process's
consumer recorded and what the consumer group committed (the group commits only after
applying, so both are safe lower bounds, and the group's covers partitions another replica
consumes). Knowledge is current when no partition's end offset lies beyond it.

Kafka is asked at the time of a refusal. End offsets only grow, so an answer "behind" is
reused for `max_age_seconds`; an answer "current" only by refusals that began before it was
asked (concurrent ones share it), since a record published since then could change the
answer. When Kafka cannot be asked, the knowledge may be behind.
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


class KnowledgeFreshness(Protocol):
    """Whether everything published on `okr.goals.v1` so far has been learned."""

    def is_current(self) -> bool:
        """True when the knowledge is known to be up to date; False when it may be behind."""
        ...


class AlwaysCurrent:
    """For a process whose knowledge is not fed from Kafka (tests, tools): nothing to wait for."""

    def is_current(self) -> bool:
        return True


class KafkaKnowledgeFreshness:
    """The `KnowledgeFreshness` port over the consumer's positions and the topic's end offsets.

    Until `watch()` (called when this process starts consuming) it answers current: without a
    consumer, the knowledge is not fed from Kafka here."""

    def __init__(
        self,
        client_kwargs: dict[str, Any],
        topic: str,
        group_id: str,
        positions: AppliedPositions,
        max_age_seconds: float = 0.5,
        timeout_seconds: float = 2.0,
    ) -> None:
        self._client_kwargs = client_kwargs
        self._topic = topic
        self._group_id = group_id
        self._positions = positions
        self._max_age = max_age_seconds
        self._timeout = timeout_seconds
        self._watching = False
        self._lock = threading.Lock()
        self._ends: dict[int, int] = {}
        self._committed: dict[int, int] = {}
        self._asked_at = float("-inf")

    def watch(self) -> None:
        """From now on, compare with Kafka: this process learns goals from the topic."""
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
                    log.warning("cannot ask Kafka for the end of %s: %r", self._topic, exc)
                    self._ends, self._committed, self._asked_at = {}, {}, float("-inf")
                    return False
                self._asked_at = called
            return not self._behind()

    def _behind(self) -> bool:
        """Whether some partition held more, when last asked, than has been applied."""
        applied = self._positions.of(self._topic)
        return any(
            max(applied.get(p, 0), self._committed.get(p, 0)) < end for p, end in self._ends.items()
        )

    async def _ask(self) -> tuple[dict[int, int], dict[int, int]]:
        """The topic's end offsets and the group's committed offsets, by partition."""
        admin = AIOKafkaAdminClient(**self._client_kwargs)
        consumer = AIOKafkaConsumer(**self._client_kwargs, enable_auto_commit=False)
        await admin.start()
        try:
            await consumer.start()
            try:
                (described,) = await admin.describe_topics([self._topic])
                if described["error_code"]:
                    raise RuntimeError(f"topic {self._topic}: error {described['error_code']}")
                partitions = [
                    TopicPartition(self._topic, p["partition"]) for p in described["partitions"]
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
            {tp.partition: end for tp, end in ends.items()},
            {tp.partition: meta.offset for tp, meta in committed.items() if meta.offset >= 0},
        )


def _run(ask: Any, timeout: float) -> Any:
    """Runs `ask()` to completion on a loop of its own, in this (worker) thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(asyncio.wait_for(ask(), timeout))
    raise RuntimeError("is_current() blocks: call it from a worker thread, not the event loop")
