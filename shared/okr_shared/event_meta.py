"""Who caused an event and within which request (recorded on every event); who sends a command."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class EventMeta:
    """Tenant, actor, correlation and trace of the request that caused an event."""

    tenant_id: str
    actor_id: str
    correlation_id: str
    causation_id: str
    traceparent: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Caller:
    """Who sends a command: the event metadata to record, plus the roles that grant rights."""

    meta: EventMeta
    roles: frozenset[str] = frozenset()

    @property
    def tenant_id(self) -> str:
        return self.meta.tenant_id

    @property
    def actor_id(self) -> str:
        return self.meta.actor_id

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles
