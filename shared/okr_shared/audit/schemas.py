"""Response bodies of the audit routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class KeyOut(BaseModel):
    key_id: str = Field(description="First 16 hex digits of SHA-256 of the raw public key")
    algorithm: str
    public_key: str = Field(description="The 32-byte raw Ed25519 public key, standard base64")


class KeysOut(BaseModel):
    service: str
    keys: list[KeyOut]


class EventLineOut(BaseModel):
    position: int
    line: str = Field(description="The canonical event line; its UTF-8 bytes are hashed")
    hash: str | None = Field(description="The recorded chain value after it; null: never chained")


class EventsOut(BaseModel):
    """A page of a tenant's event lines in chain order, after `previous_hash`."""

    service: str
    tenant_id: str
    previous_hash: str
    events: list[EventLineOut]
    next_after: int | None = Field(description="Pass as `after` for the next page; null: done")


class CheckpointOut(BaseModel):
    service: str
    tenant_id: str
    position: int
    hash: str
    signed_at: str
    key_id: str
    signature: str


class CheckpointsOut(BaseModel):
    service: str
    tenant_id: str
    checkpoints: list[CheckpointOut]


class FailureOut(BaseModel):
    """An event (or checkpoint) that does not verify; `index` its place in the tenant's chain."""

    service: str
    position: int
    kind: str = Field(description="changed, missing, inserted, reordered or checkpoint")
    reason: str
    aggregate_id: str | None
    aggregate_version: int | None
    index: int | None


class VerificationOut(BaseModel):
    service: str
    tenant_id: str
    ok: bool
    chained_position: int
    events: int
    checkpoints: int
    unsigned: int = Field(description="Chained events after the last checkpoint (not yet signed)")
    first: FailureOut | None
    failures: list[FailureOut]


class ReadOut(BaseModel):
    """One read through an auditor-facing route: who, what, when."""

    read_id: str
    at: str
    actor_id: str
    roles: list[str]
    route: str
    parameters: dict[str, str]
    objective_id: str | None
    cycle_id: str | None
