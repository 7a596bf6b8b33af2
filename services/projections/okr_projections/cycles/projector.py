"""Folds cycle events into the cycle read model."""

from __future__ import annotations

from typing import Any

from okr_projections.cycles.store import CycleStore


class CycleProjector:
    """Cycle events."""

    def __init__(self, cycles: CycleStore) -> None:
        self.cycles = cycles

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the event changed its cycle."""
        return (await self.cycles.apply(event_type, data, meta)).applied
