"""Objective-progress documents in a MongoDB-compatible store (MongoDB 7+, FerretDB 1.24).

No transactions: every write is guarded by the document's version, so a duplicated or
replayed event changes nothing and concurrent writers cannot overwrite each other.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from okr_projections.domain.objective_progress import Document, apply_event

COLLECTION = "objective_progress"


class ProgressStore:
    """Reads and version-guarded writes of objective-progress documents."""

    def __init__(self, client: AsyncMongoClient, database: str) -> None:
        self._collection = client[database][COLLECTION]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("tenant_id", ASCENDING), ("cycle_id", ASCENDING)])
        await self._collection.create_index([("tenant_id", ASCENDING), ("owner_id", ASCENDING)])

    async def apply(self, event_type: str, data: dict[str, Any], meta: dict[str, Any], max_attempts: int = 5) -> bool:
        """Folds the event into its document; False if the document already includes it."""
        objective_id = data["objective_id"]
        version = meta["version"]
        for _ in range(max_attempts):
            current = await self._collection.find_one({"_id": objective_id})
            if current is not None and current["version"] >= version:
                return False
            doc = apply_event(current, event_type, data, meta)
            doc["projected_at"] = datetime.now(UTC)
            if current is None:
                try:
                    await self._collection.insert_one(doc)
                except DuplicateKeyError:
                    continue
                return True
            result = await self._collection.replace_one({"_id": objective_id, "version": current["version"]}, doc)
            if result.matched_count == 1:
                return True
        raise RuntimeError(f"could not apply version {version} to {objective_id}: concurrent writers")

    async def get(self, tenant_id: str, objective_id: str) -> Document | None:
        return await self._collection.find_one({"_id": objective_id, "tenant_id": tenant_id})

    async def list(self, tenant_id: str, filters: dict[str, str], limit: int, offset: int) -> list[Document]:
        query = {"tenant_id": tenant_id, **filters}
        cursor = self._collection.find(query).sort([("created_at", ASCENDING), ("_id", ASCENDING)]).skip(offset).limit(limit)
        return await cursor.to_list(None)
