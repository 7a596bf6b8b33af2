"""The chainer: follows a service's notification log in order, records each tenant's chain in the
audit ledger and signs a checkpoint per tenant every N events or T seconds, then publishes the
checkpoints (`AuditCheckpointSigned`).

Like the outbox relay it runs under its own leader lock, one replica at a time; its position is
recorded in the same transaction as the chain rows, so a restart resumes where it stopped. A
checkpoint is stored before it is published and marked published after Kafka acknowledged it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from okr_shared.audit.canonical import rfc3339
from okr_shared.audit.chain import GENESIS, Checkpoint, next_hash
from okr_shared.audit.ledger import AuditLedger, ChainRow
from okr_shared.audit.lines import StoreLines
from okr_shared.audit.signing import Signer
from okr_shared.outbox.leader_lock import LeaderLock, wait_holding

log = logging.getLogger(__name__)


class CheckpointSink(Protocol):
    """Where checkpoints are published (Kafka in the services)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, checkpoints: list[Checkpoint]) -> None: ...


class Chainer:
    """Chains `lines` into `ledger`, signing with `signer` every `every_events` events of a
    tenant or `every_seconds` after its first unsigned one; `publisher` sends checkpoints out."""

    def __init__(
        self,
        lines: StoreLines,
        ledger: AuditLedger,
        signer: Signer,
        lock: LeaderLock,
        publisher: CheckpointSink | None = None,
        every_events: int = 100,
        every_seconds: float = 60.0,
        batch_size: int = 500,
        poll_interval: float = 0.2,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.lines = lines
        self.ledger = ledger
        self.signer = signer
        self.lock = lock
        self.publisher = publisher
        self.every_events = every_events
        self.every_seconds = every_seconds
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._monotonic = monotonic
        self._now = now
        self._heads: dict[str, tuple[int, str]] | None = None
        self._unsigned: dict[str, int] = {}
        self._since: dict[str, float] = {}

    @property
    def service(self) -> str:
        return self.lines.service

    def _load(self) -> dict[str, tuple[int, str]]:
        if self._heads is None:
            self._heads = {t: (r.position, r.hash) for t, r in self.ledger.heads().items()}
            self._unsigned = self.ledger.unsigned()
            started = self._monotonic()
            self._since = {t: started for t, n in self._unsigned.items() if n}
        return self._heads

    def chain_once(self) -> int:
        """Chains the next batch; returns how many notifications it covered."""
        heads = self._load()
        position = self.ledger.position()
        batch = self.lines.read(position, self.batch_size)
        if not batch:
            return 0
        rows, moved = [], dict(heads)
        for stored in batch:
            if stored.tenant_id is None or stored.line is None:
                log.warning(
                    "audit chainer %s skips event %s: %s",
                    self.service,
                    stored.position,
                    stored.fault,
                )
                continue
            previous = moved.get(stored.tenant_id, (0, GENESIS))[1]
            value = next_hash(previous, stored.line)
            moved[stored.tenant_id] = (stored.position, value)
            rows.append(
                ChainRow(
                    stored.tenant_id,
                    stored.position,
                    value,
                    stored.aggregate_id,
                    stored.aggregate_version,
                    stored.recorded_at,
                    stored.line,
                )
            )
        self.ledger.append(rows, batch[-1].position)
        heads.update(moved)
        for row in rows:
            self._since.setdefault(row.tenant_id, self._monotonic())
            self._unsigned[row.tenant_id] = self._unsigned.get(row.tenant_id, 0) + 1
        return len(batch)

    def sign_due(self, force: bool = False) -> list[Checkpoint]:
        """Signs a checkpoint for every tenant that is due (all with unsigned events if `force`)."""
        heads = self._load()
        signed = []
        for tenant_id, count in sorted(self._unsigned.items()):
            if not count:
                continue
            waited = self._monotonic() - self._since.get(tenant_id, self._monotonic())
            if force or count >= self.every_events or waited >= self.every_seconds:
                signed.append(self._sign(tenant_id, *heads[tenant_id]))
                self._unsigned[tenant_id] = 0
                self._since.pop(tenant_id, None)
        return signed

    def _sign(self, tenant_id: str, position: int, value: str) -> Checkpoint:
        signed_at = rfc3339(self._now())
        checkpoint = self.signer.checkpoint(self.service, tenant_id, position, value, signed_at)
        self.ledger.add_checkpoint(checkpoint)
        return checkpoint

    async def publish_pending(self) -> int:
        """Publishes the stored checkpoints not yet acknowledged by Kafka."""
        if self.publisher is None:
            return 0
        pending = await asyncio.to_thread(self.ledger.unpublished, self.service)
        if pending:
            await self.publisher.publish(pending)
            await asyncio.to_thread(self.ledger.mark_published, pending)
        return len(pending)

    async def step(self) -> int:
        """One round: chain a batch, sign what is due, publish."""
        covered = await asyncio.to_thread(self.chain_once)
        await asyncio.to_thread(self.sign_due)
        await self.publish_pending()
        return covered

    async def run(self, stop: asyncio.Event) -> None:
        """Chains until `stop` is set, while holding the leader lock; retries after failures,
        keeping the lock's lease through the back-off."""
        failures = 0
        try:
            while not stop.is_set():
                if not await asyncio.to_thread(self.lock.try_acquire):
                    await _sleep_or_stop(stop, 1.0)
                    continue
                try:
                    covered = await self.step()
                except Exception:
                    failures += 1
                    self._heads = None
                    delay = min(30.0, self.poll_interval * 2 ** min(failures, 8))
                    log.exception("audit chainer %s failed; retrying in %.1fs", self.service, delay)
                    await wait_holding(self.lock, stop, delay)
                    continue
                failures = 0
                if covered < self.batch_size:
                    await _sleep_or_stop(stop, self.poll_interval)
        finally:
            await asyncio.to_thread(self.lock.release)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
