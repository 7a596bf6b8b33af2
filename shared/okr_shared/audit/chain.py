"""The chain hash and the signed message of a checkpoint (ALGORITHM.md, "The chain" and
"Checkpoints")."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

GENESIS = "0" * 64
"""The chain value before a tenant's first event in a service."""
CHECKPOINT_FORMAT = "okr-audit-checkpoint/1"


def next_hash(previous: str, line: bytes) -> str:
    """h(n) = hex SHA-256(ASCII(h(n-1)) || LF || line n)."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + line).hexdigest()


def chain_values(previous: str, lines: list[bytes]) -> list[str]:
    """The chain value after each line, from `previous`."""
    values = []
    for line in lines:
        previous = next_hash(previous, line)
        values.append(previous)
    return values


def checkpoint_message(
    tenant_id: str, service: str, position: int, hash_: str, signed_at: str
) -> bytes:
    """The bytes a checkpoint's signature covers."""
    parts = (CHECKPOINT_FORMAT, tenant_id, service, str(position), hash_, signed_at)
    return "\n".join(parts).encode()


@dataclass(frozen=True)
class Checkpoint:
    """A signed chain value: `position` the last event covered, `hash` the chain after it."""

    service: str
    tenant_id: str
    position: int
    hash: str
    signed_at: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        return checkpoint_message(
            self.tenant_id, self.service, self.position, self.hash, self.signed_at
        )

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
