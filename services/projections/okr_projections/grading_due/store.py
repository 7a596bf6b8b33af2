"""Open grading (collections `grading_due`, the items, and `grading_due_reviews`, each review's
grading state), written by key.

Every event of a review shares its Kafka key (the review id), so one consumer writes a review's
documents at a time; the folds only add, escalate or settle, so a duplicate rewrites nothing.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection

from okr_projections.documents import Document
from okr_projections.grading_due.domain import (
    OPEN_STATUSES,
    apply_reminder,
    apply_score,
    empty_state,
    item_key,
    settled,
    state_key,
)

ITEMS, STATES = "grading_due", "grading_due_reviews"
_ORDER = [("due_by", ASCENDING), ("_id", ASCENDING)]


async def _write(collection: AsyncCollection, current: Document | None, doc: Document) -> bool:
    if doc == current:
        return False
    await collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)
    return True


class GradingDueStore:
    """Reads and writes of the grading people still owe."""

    def __init__(self, client: AsyncMongoClient, database: str) -> None:
        self._items = client[database][ITEMS]
        self._states = client[database][STATES]

    async def ensure_indexes(self) -> None:
        await self._items.create_index(
            [
                ("tenant_id", ASCENDING),
                ("person_id", ASCENDING),
                ("status", ASCENDING),
                ("due_by", ASCENDING),
            ]
        )
        await self._items.create_index([("tenant_id", ASCENDING), ("review_id", ASCENDING)])

    async def _state(self, tenant_id: str, review_id: str) -> Document | None:
        return await self._states.find_one({"_id": state_key(tenant_id, review_id)})

    async def apply_reminder(
        self, event_type: str, data: dict[str, Any], meta: dict[str, Any]
    ) -> bool:
        """Folds a reminder into the person's item, settled by what the review already knows."""
        tenant_id, review_id = meta["tenant_id"], data["review_id"]
        state = await self._state(tenant_id, review_id) or empty_state(tenant_id, review_id)
        key = item_key(tenant_id, review_id, data["person_id"], data["role"])
        current = await self._items.find_one({"_id": key})
        return await _write(
            self._items, current, apply_reminder(current, state, event_type, data, meta)
        )

    async def apply_score(
        self, event_type: str, data: dict[str, Any], meta: dict[str, Any]
    ) -> bool:
        """Folds a score or the finalisation into the review's grading state and settles its
        items; whether anything changed."""
        tenant_id, review_id = meta["tenant_id"], data["review_id"]
        current = await self._state(tenant_id, review_id)
        state = apply_score(current or empty_state(tenant_id, review_id), event_type, data)
        changed = await _write(self._states, current, state)
        items = self._items.find({"tenant_id": tenant_id, "review_id": review_id})
        for item in await items.to_list(None):
            changed = await _write(self._items, item, settled(item, state)) or changed
        return changed

    async def open_for(
        self, tenant_id: str, person_id: str, limit: int = 0, offset: int = 0
    ) -> list[Document]:
        """The person's items still waiting for their scores, the earliest due first."""
        query = {
            "tenant_id": tenant_id,
            "person_id": person_id,
            "status": {"$in": list(OPEN_STATUSES)},
        }
        found = self._items.find(query).sort(_ORDER).skip(offset).limit(limit)
        return await found.to_list(None)
