"""Online verification of a service's store for one tenant: every chained event's line is
recomputed from the store and compared with the recorded chain; the checkpoints are checked
against their keys and against the chain recomputed from the store.

Each event is checked against the recorded value before it, so every changed event is named on
its own, not only the first: `changed` (its line differs), `missing` (deleted from the store),
`inserted` (in the store, never chained), `reordered` (another chained event now stands at its
position). A checkpoint whose hash differs from the chain recomputed from the store reveals
that events up to it were altered even if the recorded chain was rewritten to match.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from okr_shared.audit.chain import GENESIS, next_hash
from okr_shared.audit.evolution import same_event
from okr_shared.audit.ledger import AuditLedger, ChainRow
from okr_shared.audit.lines import StoredLine, StoreLines
from okr_shared.audit.signing import signature_fault
from okr_shared.contracts.registry import ContractRegistry, default_registry

MAX_FAILURES = 100


@dataclass(frozen=True)
class Failure:
    """One event or checkpoint that does not verify: `index` is its 1-based place in the
    tenant's chain (None for a checkpoint or an inserted event)."""

    service: str
    position: int
    reason: str
    kind: str
    aggregate_id: str | None = None
    aggregate_version: int | None = None
    index: int | None = None


@dataclass
class Verification:
    service: str
    tenant_id: str
    chained_position: int
    events: int = 0
    checkpoints: int = 0
    unsigned: int = 0
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def first(self) -> Failure | None:
        return min(self.failures, key=lambda f: f.position) if self.failures else None

    def add(self, failure: Failure) -> None:
        if len(self.failures) < MAX_FAILURES:
            self.failures.append(failure)


def verify_store(
    lines: StoreLines,
    ledger: AuditLedger,
    tenant_id: str,
    keys: dict[str, bytes],
    registry: ContractRegistry | None = None,
) -> Verification:
    """Verifies the tenant's chained events and checkpoints in the store behind `lines`. A
    stored event that today's mapping publishes under a newer contract version verifies when
    its chained line, upcast, is what the mapping gives (`registry` holds the upcasters)."""
    registry = registry or default_registry()
    service = lines.service
    upto = ledger.position()
    recorded = {r.position: r for r in ledger.chain(tenant_id, upto=upto)}
    by_event = {(r.aggregate_id, r.aggregate_version): r for r in recorded.values()}
    stored = {
        s.position: s
        for s in lines.between(0, upto)
        if s.tenant_id == tenant_id or s.position in recorded
    }
    report = Verification(service, tenant_id, upto, events=len(recorded))
    previous, recomputed, values = GENESIS, GENESIS, {}
    for index, position in enumerate(sorted(recorded.keys() | stored.keys()), start=1):
        row, line = (
            recorded.get(position),
            _as_chained(recorded.get(position), stored.get(position), registry),
        )
        if line is not None and line.tenant_id == tenant_id and line.line is not None:
            recomputed = next_hash(recomputed, line.line)
            values[position] = recomputed
        if row is None:
            assert line is not None
            report.add(_failure(service, line, "inserted", "an event never chained", None))
            continue
        fault = _event_fault(row, line, previous, tenant_id, by_event)
        if fault is not None:
            kind, reason = fault
            report.add(_failure(service, line, kind, reason, index, row))
        previous = row.hash
    _check_checkpoints(report, ledger, recorded, values, keys)
    return report


def _as_chained(
    row: ChainRow | None, line: StoredLine | None, registry: ContractRegistry
) -> StoredLine | None:
    """The stored event as its chained line when they are the same event under a newer
    contract version (so the chain recomputes as signed)."""
    if row is None or line is None or line.line is None or line.line == row.line:
        return line
    return replace(line, line=row.line) if same_event(row.line, line.line, registry) else line


def _event_fault(
    row: ChainRow,
    line: StoredLine | None,
    previous: str,
    tenant_id: str,
    by_event: dict[tuple[str, int], ChainRow],
) -> tuple[str, str] | None:
    if line is None:
        return "missing", "the chained event is no longer in the store (deleted)"
    if line.line is None:
        return "changed", f"the chained event no longer reads: {line.fault}"
    if line.tenant_id != tenant_id:
        return "changed", "the chained event no longer belongs to this tenant"
    if next_hash(previous, line.line) == row.hash:
        return None
    if (line.aggregate_id, line.aggregate_version) != (row.aggregate_id, row.aggregate_version):
        other = by_event.get((line.aggregate_id, line.aggregate_version))
        if other is not None:
            return "reordered", f"the event chained at position {other.position} stands here now"
        return "changed", "another event stands at this position"
    return "changed", "the stored event differs from the chained one"


def _failure(
    service: str,
    line: StoredLine | None,
    kind: str,
    reason: str,
    index: int | None,
    row: ChainRow | None = None,
) -> Failure:
    source = row if row is not None else line
    assert source is not None
    return Failure(
        service, source.position, reason, kind, source.aggregate_id, source.aggregate_version, index
    )


def _check_checkpoints(
    report: Verification,
    ledger: AuditLedger,
    recorded: dict[int, ChainRow],
    values: dict[int, str],
    keys: dict[str, bytes],
) -> None:
    checkpoints = ledger.checkpoints(report.service, report.tenant_id)
    report.checkpoints = len(checkpoints)
    for checkpoint in checkpoints:
        fault = signature_fault(checkpoint, keys)
        if fault is None and checkpoint.position not in recorded:
            fault = "the checkpoint names a position with no chained event"
        elif fault is None and recorded[checkpoint.position].hash != checkpoint.hash:
            fault = "the recorded chain differs from the signed checkpoint (chain rewritten)"
        elif fault is None and values.get(checkpoint.position) != checkpoint.hash:
            fault = "the events up to the checkpoint differ from what was signed"
        if fault is not None:
            report.add(Failure(report.service, checkpoint.position, fault, "checkpoint"))
    last = max((c.position for c in checkpoints), default=0)
    report.unsigned = sum(1 for p in recorded if p > last)
