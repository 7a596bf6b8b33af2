"""Cycle documents (collection `cycles`): version-guarded folds."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

from okr_projections.cycles.domain import apply_cycle_event
from okr_projections.documents import Document, tenant_key
from okr_projections.store import Folded, WritePolicy, fold_into

COLLECTION = "cycles"


class CycleStore:
    """Reads and writes of cycles."""

    def __init__(
        self, client: AsyncMongoClient, database: str, policy: WritePolicy | None = None
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]

    async def ensure_indexes(self) -> None:
        """Cycles are read by key only."""

    async def apply(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> Folded:
        """Folds the event into its cycle (not applied if the document already includes it)."""
        tenant_id = meta["tenant_id"]
        return await fold_into(
            self._collection,
            tenant_key(tenant_id, data["cycle_id"]),
            tenant_id,
            meta["version"],
            lambda current: apply_cycle_event(current, event_type, data, meta),
            creates=event_type == "CyclePlanned",
            policy=self.policy,
        )

    async def get(self, tenant_id: str, cycle_id: str) -> Document | None:
        return await self._collection.find_one({"_id": tenant_key(tenant_id, cycle_id)})
