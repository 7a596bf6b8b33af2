"""What the audit routes of a write service do: its public keys, its chained event lines with
their recorded hashes, its checkpoints, the online verification, and the auditor read log.

Admins and auditors of a tenant read the chain, checkpoints and verification; anyone of the
tenant reads the public keys; only admins read the read log (it says which auditor looked at
what, which the auditors under review should not watch; an admin oversees the auditors).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from okr_shared.access import ADMIN, AUDITOR
from okr_shared.audit.canonical import rfc3339
from okr_shared.audit.chain import GENESIS, Checkpoint
from okr_shared.audit.ledger import AuditLedger, ReadRecord
from okr_shared.audit.lines import StoreLines
from okr_shared.audit.online import Verification, verify_store
from okr_shared.audit.signing import Signer, keyring
from okr_shared.clock import Clock, SystemClock
from okr_shared.errors import Forbidden, InvalidField
from okr_shared.event_meta import Caller

READERS = frozenset({ADMIN, AUDITOR})
MAX_PAGE = 1000


@dataclass(frozen=True)
class EventsPage:
    """Event lines of a tenant as they were chained, with their chain values, after
    `previous_hash`; `next_after` continues the listing (None: done)."""

    service: str
    tenant_id: str
    previous_hash: str
    events: list[tuple[int, bytes, str]]
    next_after: int | None


def require_reader(caller: Caller) -> None:
    if not caller.roles & READERS:
        raise Forbidden("#", "the audit trail is read by admins and auditors")


class AuditService:
    """The audit reads of one service over its store (`lines`) and its `ledger`; `keys` are the
    public keys it signs with and still trusts (`keys.json` entries)."""

    def __init__(
        self,
        lines: StoreLines,
        ledger: AuditLedger,
        keys: list[dict[str, str]],
        clock: Clock | None = None,
        signer: Signer | None = None,
    ) -> None:
        self.lines = lines
        self.ledger = ledger
        self.public_keys = keys
        self.clock = clock or SystemClock()
        self.signer = signer

    @property
    def service(self) -> str:
        return self.lines.service

    def keys(self, caller: Caller) -> list[dict[str, str]]:
        return list(self.public_keys)

    def checkpoints(self, caller: Caller) -> list[Checkpoint]:
        require_reader(caller)
        return self.ledger.checkpoints(self.service, caller.tenant_id)

    def sign_head(self, caller: Caller) -> Checkpoint | None:
        """Signs the tenant's chain as far as it is chained now, unless its last checkpoint
        already covers it (an export asks for this, so a fresh bundle has no unsigned tail);
        None when nothing is chained or no signing key is configured here."""
        require_reader(caller)
        head = self.ledger.heads().get(caller.tenant_id)
        if head is None or self.signer is None:
            return None
        signed = self.ledger.checkpoints(self.service, caller.tenant_id)
        if signed and signed[-1].position >= head.position:
            return signed[-1]
        checkpoint = self.signer.checkpoint(
            self.service, caller.tenant_id, head.position, head.hash, rfc3339(self.clock.now())
        )
        self.ledger.add_checkpoint(checkpoint)
        return checkpoint

    def verify(self, caller: Caller) -> Verification:
        require_reader(caller)
        return verify_store(
            self.lines.fresh(), self.ledger, caller.tenant_id, keyring(self.public_keys)
        )

    def events(
        self,
        caller: Caller,
        from_position: int | None = None,
        to_position: int | None = None,
        from_time: datetime | None = None,
        to_time: datetime | None = None,
        after: int | None = None,
        limit: int = 500,
    ) -> EventsPage:
        """The tenant's event lines in chain order, as they were chained (the bytes the chain
        covers, whatever the contracts have become since; online verification checks the store
        against them). Without `after`, the listing starts right after the latest checkpoint
        below the first position asked for, so that it verifies against that checkpoint;
        `after` continues a listing."""
        require_reader(caller)
        if from_position is not None and to_position is not None and from_position > to_position:
            raise InvalidField("query:to_position", "must not be below from_position")
        tenant = caller.tenant_id
        chained = self.ledger.position()
        end = self._end(tenant, chained, to_position, to_time)
        if after is None:
            after = self._start(tenant, from_position, from_time)
        if after is None or end is None or after >= end:
            previous = self._hash_upto(tenant, after or 0)
            return EventsPage(self.service, tenant, previous, [], None)
        rows = self.ledger.chain(tenant, after=after, upto=end, limit=limit)
        window = rows[-1].position if len(rows) == limit else end
        found = [(r.position, r.line, r.hash) for r in rows]
        return EventsPage(
            self.service,
            tenant,
            self._hash_upto(tenant, after),
            found,
            window if window < end else None,
        )

    def _hash_upto(self, tenant: str, position: int) -> str:
        row = self.ledger.last_before(tenant, position + 1)
        return row.hash if row is not None else GENESIS

    def _end(
        self, tenant: str, chained: int, to_position: int | None, to_time: datetime | None
    ) -> int | None:
        end = chained if to_position is None else min(to_position, chained)
        if to_time is not None:
            at = self.ledger.position_at(tenant, rfc3339(to_time), first=False)
            end = None if at is None else min(end, at)
        return end

    def _start(
        self, tenant: str, from_position: int | None, from_time: datetime | None
    ) -> int | None:
        start = from_position
        if from_time is not None:
            at = self.ledger.position_at(tenant, rfc3339(from_time), first=True)
            if at is None:
                return None
            start = max(start or 0, at)
        if not start:
            return 0
        below = [
            c.position for c in self.ledger.checkpoints(self.service, tenant) if c.position < start
        ]
        return below[-1] if below else 0

    def record_read(
        self,
        caller: Caller,
        route: str,
        parameters: Mapping[str, str],
        objective_id: str | None = None,
        cycle_id: str | None = None,
    ) -> ReadRecord:
        """Records that the caller read through an auditor-facing route."""
        read = ReadRecord(
            read_id=str(uuid.uuid4()),
            tenant_id=caller.tenant_id,
            at=rfc3339(self.clock.now()),
            actor_id=caller.actor_id,
            roles=tuple(sorted(caller.roles)),
            route=route,
            parameters=dict(parameters),
            objective_id=objective_id,
            cycle_id=cycle_id,
        )
        self.ledger.record_read(read)
        return read

    def reads(self, caller: Caller, offset: int = 0, limit: int = 100) -> list[ReadRecord]:
        """The tenant's recorded reads, newest first: for admins only."""
        if ADMIN not in caller.roles:
            raise Forbidden("#", "the read log is read by admins only")
        return self.ledger.reads(caller.tenant_id, offset, limit)
