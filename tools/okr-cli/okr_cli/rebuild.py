"""Rebuilding every read model from the write services' event stores (never from Kafka) into a
new database, verified against the live one, then switched to through the projections
service's pointer (`okr_projections.pointer`).

Each store's notification log is read in order and each notification turned into the CloudEvent
its relay publishes, then into what a consumer receives (Kafka record, contract, upcasting);
the projections service's own projector folds it. Services have no global order: the four logs
are merged by event time, which keeps each log's own order (a log is only ever read forward).
Notifications are folded `checkpoint` at a time in one batch (`okr_projections.batch`: each
document read once, one bulk write per collection). After every batch's write the positions
reached are recorded in the control document `rebuild`, so a rebuild killed half-way resumes
from there (its folds are version-guarded, so the events applied after the last checkpoint
apply again harmlessly) or, with `restart`, drops its database and starts again. Until the
switch nothing but the new database and that control document is written: the live model is
untouched.

The switch is one update of the pointer. Readers and the consumer of every projections process
follow it within their poll interval and say so in the control collection; once every live one
follows, a catch-up pass from the rebuild's end positions applies the events the live consumer
folded into the old database in between (again version-guarded, so harmless twice).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from okr_cli.comparison import collection_names, compare, differences
from okr_cli.sources import Source, as_consumed
from okr_projections.batch import StaleBatch, batch
from okr_projections.bootstrap import build_read_side
from okr_projections.consumer import projection_meta
from okr_projections.documents import UnprojectableEvent
from okr_projections.pointer import Pointer
from okr_projections.projector import Projector
from okr_projections.store import WritePolicy, conditional_writes_work
from okr_shared.cloudevents import UndecodableEvent
from okr_shared.contracts import ContractRegistry, ContractViolation, default_registry
from okr_shared.outbox.relay import Publication

Advance = Callable[[int], None]


class RebuildRefused(Exception):
    """The rebuild cannot go on (the pointer moved under it, or verification failed)."""


@dataclass
class Stream:
    """One service's log as the merge reads it: the last position applied, and what is read."""

    source: Source
    position: int
    pending: deque[Publication] = field(default_factory=deque)
    reading: Iterator[list[Publication]] | None = None

    async def head(self) -> Publication | None:
        """The next notification of this pass, None once the log's end is reached."""
        if not self.pending and self.reading is not None:
            batch = await asyncio.to_thread(next, self.reading, None)
            if batch is None:
                self.reading = None
            else:
                self.pending.extend(batch)
        return self.pending[0] if self.pending else None


def _order(item: Publication) -> tuple[int, datetime | None]:
    """Notifications with nothing to project first (they only move the position), then by time."""
    return (0, None) if item.event is None else (1, item.event.time)


@dataclass
class Pass:
    """What one pass over the logs applied."""

    events: int = 0
    skipped: int = 0
    unprojectable: list[dict[str, Any]] = field(default_factory=list)


class Replay:
    """Applies the logs of `sources` from their positions into one database's read models."""

    def __init__(
        self,
        sources: list[Source],
        projector: Projector,
        positions: dict[str, int],
        registry: ContractRegistry | None = None,
        policy: WritePolicy | None = None,
    ) -> None:
        self.sources = sources
        self.policy = policy
        self.shared = False
        """Whether another writer (the live consumer, after the switch) writes the database too:
        absent documents are then asked of the store, not told by the known ids."""
        self.projector = projector
        self.positions = {s.service: int(positions.get(s.service, 0)) for s in sources}
        self.registry = registry or default_registry()

    def remaining(self) -> int:
        """How many notifications the logs hold past the positions (the progress bar's total)."""
        return sum(max(0, s.last_position() - self.positions[s.service]) for s in self.sources)

    async def run(
        self,
        checkpoint: Callable[[dict[str, int]], Any],
        every: int = 500,
        advance: Advance | None = None,
    ) -> Pass:
        """One pass up to each log's end, `every` notifications to a batch (folded in memory,
        one bulk write per collection); `checkpoint(positions)` after each batch's write."""
        streams = [
            Stream(s, self.positions[s.service], reading=s.read(self.positions[s.service] + 1))
            for s in self.sources
        ]
        done = Pass()
        while chunk := await self._next(streams, every):
            await self._apply_batch(chunk, done)
            for source, item in chunk:
                self.positions[source.service] = item.notification.id
            if advance is not None:
                advance(len(chunk))
            if len(chunk) == every:
                await checkpoint(dict(self.positions))
        await checkpoint(dict(self.positions))
        return done

    @staticmethod
    async def _next(streams: list[Stream], size: int) -> list[tuple[Source, Publication]]:
        """The next `size` notifications of the merge (fewer at the logs' end)."""
        chunk: list[tuple[Source, Publication]] = []
        while len(chunk) < size:
            heads = [(await s.head(), s) for s in streams]
            ready = [(item, s) for item, s in heads if item is not None]
            if not ready:
                break
            item, stream = min(ready, key=lambda pair: _order(pair[0]))
            stream.pending.popleft()
            stream.position = item.notification.id
            chunk.append((stream.source, item))
        return chunk

    async def _apply_batch(self, chunk: list[tuple[Source, Publication]], done: Pass) -> None:
        """Folds the notifications in one batch; if its write finds a document changed by
        another writer (the live consumer after a switch), one at a time instead."""
        applied = Pass()
        try:
            async with batch(self.policy, known_ids=False if self.shared else None) as opened:
                for source, item in chunk:
                    await self._apply(source, item, applied)
                await opened.flush()
        except StaleBatch:
            applied = Pass()
            for source, item in chunk:
                await self._apply(source, item, applied)
        done.events += applied.events
        done.skipped += applied.skipped
        done.unprojectable += applied.unprojectable

    async def _apply(self, source: Source, item: Publication, done: Pass) -> None:
        if item.event is None:
            done.skipped += 1
            return
        try:
            event, data = as_consumed(item.event, source.context, self.registry)
            await self.projector.project(event.schema_name, data, projection_meta(event))
            done.events += 1
        except (UnprojectableEvent, UndecodableEvent, ContractViolation) as exc:
            done.unprojectable.append(
                {"service": source.service, "position": item.notification.id, "reason": str(exc)}
            )


def new_database_name(base: str, now: datetime | None = None) -> str:
    """The name of a rebuild's database: the base name and the time it started."""
    return f"{base}_rb{(now or datetime.now(UTC)):%Y%m%d%H%M%S%f}"


async def document_count(client: AsyncMongoClient, database: str) -> int:
    names = await collection_names(client, database)
    return sum([await client[database][n].count_documents({}) for n in names])


@dataclass
class Options:
    restart: bool = False
    switch: bool = True
    accept_differences: bool = False
    follow_timeout: float = 30.0
    pointer_poll_seconds: float = 1.0
    checkpoint_every: int = 500


class Rebuild:
    """One rebuild of the read models of `base` from `sources`."""

    def __init__(
        self, client: AsyncMongoClient, base: str, sources: list[Source], options: Options
    ) -> None:
        self.client = client
        self.pointer = Pointer(client, base)
        self.base = base
        self.sources = sources
        self.options = options

    async def _target(self, live: str) -> tuple[str, dict[str, int], bool]:
        """The database to build and the positions to start from: the interrupted rebuild's,
        unless restarting or the pointer moved since; a fresh database otherwise."""
        state = await self.pointer.rebuild_state()
        if state is not None and state["database"] not in (live, self.base):
            unfinished = state.get("status") == "building" and state.get("live") == live
            if unfinished and not self.options.restart:
                return state["database"], dict(state.get("positions") or {}), True
            await self.client.drop_database(state["database"])
        target = new_database_name(self.base)
        await self.client.drop_database(target)
        return target, {}, False

    async def _wait_for_followers(self, target: str) -> list[str]:
        """Waits until every projections process seen lately follows `target`; those that do not
        by the deadline."""
        recent = timedelta(seconds=max(5.0, 5 * self.options.pointer_poll_seconds))
        deadline = time.monotonic() + self.options.follow_timeout
        while True:
            followers = await self.pointer.followers(recent)
            lagging = sorted(f for f, db in followers.items() if db != target)
            if not lagging or time.monotonic() > deadline:
                return lagging
            await asyncio.sleep(min(0.2, self.options.pointer_poll_seconds))

    async def run(
        self, advance: Advance | None = None, total: Callable[[int], None] | None = None
    ) -> dict[str, Any]:
        """Builds, verifies and (unless told not to) switches; the outcome for the report.

        Raises RebuildRefused, leaving the live model as it was, when verification finds
        differences (unless accepted) or the pointer moved during the rebuild."""
        live = await self.pointer.active()
        target, positions, resumed = await self._target(live)
        policy = WritePolicy(conditional=await conditional_writes_work(self.client))
        projector, _ = build_read_side(self.client, target, policy)
        for store in projector.read_models:
            await store.ensure_indexes()
        replay = Replay(self.sources, projector, positions, policy=policy)
        started = datetime.now(UTC)
        await self.pointer.record_rebuild(
            database=target,
            live=live,
            status="building",
            positions=replay.positions,
            services=[s.service for s in self.sources],
            started_at=started,
        )

        async def checkpoint(reached: dict[str, int]) -> None:
            await self.pointer.record_rebuild(positions=reached, updated_at=datetime.now(UTC))

        if total is not None:
            total(await asyncio.to_thread(replay.remaining))
        clock = time.monotonic()
        built = await replay.run(checkpoint, self.options.checkpoint_every, advance)
        seconds = max(time.monotonic() - clock, 1e-9)
        documents = await document_count(self.client, target)
        report = await compare(self.client, live, target)
        outcome: dict[str, Any] = {
            "live": live,
            "database": target,
            "resumed": resumed,
            "events": built.events,
            "skipped": built.skipped,
            "unprojectable": built.unprojectable,
            "documents": documents,
            "seconds": round(seconds, 3),
            "events_per_second": round(built.events / seconds, 1),
            "documents_per_second": round(documents / seconds, 1),
            "end_positions": dict(replay.positions),
            "verification": report,
            "switched": False,
        }
        if not report["equal"] and not self.options.accept_differences:
            await self.pointer.record_rebuild(status="unverified", differences=differences(report))
            raise RebuildRefused(
                f"the rebuilt database {target} differs from the live {live} in "
                f"{differences(report)} documents; the live model is unchanged"
            )
        await self.pointer.record_rebuild(status="verified")
        if not self.options.switch:
            return outcome
        if not await self.pointer.switch(target, expected=live):
            await self.pointer.record_rebuild(status="abandoned")
            raise RebuildRefused(f"the pointer no longer names {live}: not switched")
        outcome["switched"] = True
        outcome["followers_lagging"] = await self._wait_for_followers(target)
        replay.shared = True
        caught_up = await replay.run(checkpoint, self.options.checkpoint_every)
        outcome["caught_up"] = caught_up.events
        outcome["end_positions"] = dict(replay.positions)
        await self.pointer.record_rebuild(status="switched", switched_at=datetime.now(UTC))
        return outcome
