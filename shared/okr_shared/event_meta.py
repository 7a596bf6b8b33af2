"""Who caused an event and within which request: recorded on every event."""

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
