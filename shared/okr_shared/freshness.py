"""Whether what a service learned from Kafka may be behind, and refusals that wait for it.

The port (`KnowledgeFreshness`) the handlers ask, and its Kafka adapter: for every partition of
every consumed topic, the position applied is the larger of what this process's consumer
recorded and what the consumer group committed (the group commits only after applying, so both
are safe lower bounds, and the group's covers partitions another replica consumes). Knowledge is
current when no partition's end offset lies beyond it.

Kafka is asked at the time of a refusal. End offsets only grow, so an answer "behind" is reused
for `max_age_seconds`; an answer "current" only by refusals that began before it was asked
(concurrent ones share it), since a record published since then could change the answer. When
Kafka cannot be asked, the knowledge may be behind.

`Refusals`: a refusal resting on that knowledge (an unknown objective, a right the knowledge
does not grant) stands only once the knowledge is known to be current; while it may be behind,
the answer is NotKnownYet (503).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, NoReturn, Protocol, TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from okr_shared.consumer import AppliedPositions
from okr_shared.errors import DomainError, NotKnownYet

log = logging.getLogger(__name__)
Offsets = dict[tuple[str, int], int]
M = TypeVar("M", bound=Callable[..., Any])


class KnowledgeFreshness(Protocol):
    """Whether everything published so far on the topics the knowledge is learned from has been
    learned."""

    def is_current(self) -> bool:
        """True when the knowledge is known to be up to date; False when it may be behind."""
        ...


class AlwaysCurrent:
    """For a process whose knowledge is not fed from Kafka (tests, tools): nothing to wait for."""

    def is_current(self) -> bool:
        return True


class KafkaKnowledgeFreshness:
    """The `KnowledgeFreshness` port over the consumer's positions and the topics' end offsets.

    Until `watch()` (called when this process starts consuming) it answers current: without a
    consumer, the knowledge is not fed from Kafka here."""

    def __init__(
        self,
        client_kwargs: dict[str, Any],
        topics: Sequence[str],
        group_id: str,
        positions: AppliedPositions,
        max_age_seconds: float = 0.5,
        timeout_seconds: float = 2.0,
    ) -> None:
        self._client_kwargs = client_kwargs
        self._topics = list(topics)
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
        """From now on, compare with Kafka: this process learns from the topics."""
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
        """Whether some partition held more, when last asked, than has been applied."""
        applied = {(t, p): n for t in self._topics for p, n in self._positions.of(t).items()}
        return any(
            max(applied.get(tp, 0), self._committed.get(tp, 0)) < end
            for tp, end in self._ends.items()
        )

    async def _ask(self) -> tuple[Offsets, Offsets]:
        """The topics' end offsets and the group's committed offsets, by topic and partition."""
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
    """Runs `ask()` to completion on a loop of its own, in this (worker) thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(asyncio.wait_for(ask(), timeout))
    raise RuntimeError("is_current() blocks: call it from a worker thread, not the event loop")


_REFUSALS_FINAL: ContextVar[bool] = ContextVar("refusals_final", default=False)


class Unconfirmed(NotKnownYet):
    """A refusal read from knowledge not yet known to be current (503 if it ever escapes)."""

    def __init__(self, refusal: DomainError, learned: str) -> None:
        super().__init__(
            f"This service may not have learned the latest {learned} yet, so it "
            f"cannot tell for sure ({refusal}); retry shortly.",
            getattr(refusal, "field", "#"),
        )
        self.refusal = refusal


class Refusals:
    """The refusal rule of one service: `learned` names what may not be learned yet in the 503
    ("goal changes"); `knowledge` names the handler attribute whose `freshness` is asked."""

    def __init__(self, learned: str, knowledge: str) -> None:
        self.learned = learned
        self.knowledge = knowledge

    def refuse(self, refusal: DomainError) -> NoReturn:
        """Raises a refusal resting on the knowledge: final on a read made once the knowledge was
        known current, else to be confirmed (see `confirms`)."""
        if _REFUSALS_FINAL.get():
            raise refusal
        raise Unconfirmed(refusal, self.learned)

    def confirms(self, method: M) -> M:
        """Runs a handler's command or query; a refusal resting on the knowledge stands only if,
        once the knowledge is known to be current, a second run on a fresh read refuses too. While
        the knowledge may be behind Kafka, the answer is NotKnownYet (503) instead."""
        attribute = self.knowledge

        @functools.wraps(method)
        def run(handler: Any, *args: Any, **kwargs: Any) -> Any:
            if _REFUSALS_FINAL.get():
                return method(handler, *args, **kwargs)
            try:
                return method(handler, *args, **kwargs)
            except Unconfirmed as exc:
                if not getattr(handler, attribute).freshness.is_current():
                    raise NotKnownYet(str(exc), exc.field) from exc.refusal
            token = _REFUSALS_FINAL.set(True)
            try:
                return method(handler, *args, **kwargs)
            finally:
                _REFUSALS_FINAL.reset(token)

        return run  # type: ignore[return-value]
