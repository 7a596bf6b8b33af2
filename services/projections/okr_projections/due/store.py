"""Check-ins due (collection `check_ins_due`): one item per key result and period, written by key.

Reminders and check-ins of a key result share its Kafka key, so one consumer writes an item at
a time; its folds only escalate or settle, so a duplicate rewrites nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient

from okr_projections.check_in_state import CheckIn, effective_within
from okr_projections.documents import Document
from okr_projections.due.domain import OPEN_STATUSES, apply_reminder, due_key, settled

COLLECTION = "check_ins_due"
_ORDER = [("period_start", ASCENDING), ("_id", ASCENDING)]


class DueStore:
    """Reads and writes of the check-ins due from people."""

    def __init__(self, client: AsyncMongoClient, database: str) -> None:
        self._collection = client[database][COLLECTION]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index(
            [
                ("tenant_id", ASCENDING),
                ("owner_id", ASCENDING),
                ("status", ASCENDING),
                ("period_start", ASCENDING),
            ]
        )

    async def apply_reminder(
        self, event_type: str, data: dict[str, Any], meta: dict[str, Any], check_ins: list[CheckIn]
    ) -> bool:
        """Folds a reminder into its item, done already if a live check-in is effective within
        the period."""
        key = due_key(meta["tenant_id"], data["key_result_id"], data["period_start"])
        current = await self._collection.find_one({"_id": key})
        done_by = effective_within(check_ins, data["period_start"], data["period_end"])
        return await self._write(current, apply_reminder(current, event_type, data, meta, done_by))

    async def settle(
        self,
        tenant_id: str,
        key_result_id: str,
        periods: Iterable[dict[str, str]],
        check_ins: list[CheckIn],
    ) -> int:
        """Marks the items of the periods done or open again from the live check-ins; how many
        changed."""
        changed = 0
        for period in periods:
            current = await self._collection.find_one(
                {"_id": due_key(tenant_id, key_result_id, period["period_start"])}
            )
            if current is not None:
                done_by = effective_within(check_ins, period["period_start"], period["period_end"])
                changed += await self._write(current, settled(current, done_by))
        return changed

    async def _write(self, current: Document | None, doc: Document) -> bool:
        if doc == current:
            return False
        await self._collection.replace_one({"_id": doc["_id"]}, doc, upsert=True)
        return True

    async def open_for(
        self, tenant_id: str, owner_id: str, limit: int = 0, offset: int = 0
    ) -> list[Document]:
        """The person's items still waiting for a check-in, oldest period first."""
        query = {
            "tenant_id": tenant_id,
            "owner_id": owner_id,
            "status": {"$in": list(OPEN_STATUSES)},
        }
        return (
            await self._collection.find(query).sort(_ORDER).skip(offset).limit(limit).to_list(None)
        )
