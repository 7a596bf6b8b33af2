"""Key-result check-in documents (collection `key_result_checkins`): version-guarded folds, read
by key only.

`reminder_periods` is not the fold's: reminders add to it in place (`$addToSet`), so a
check-in fold never overwrites it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo import AsyncMongoClient, ReturnDocument
from pymongo.errors import DuplicateKeyError

from okr_projections.check_in_state import check_in_state
from okr_projections.check_ins.domain import (
    apply_check_in_event,
    empty_log,
    erase_reporter,
    key_result_key,
)
from okr_projections.documents import Document
from okr_projections.due.domain import period_of
from okr_projections.store import Folded, WritePolicy, fold_into

COLLECTION = "key_result_checkins"
DERIVED = ("reminder_periods",)


class CheckInStore:
    """Reads and writes of the check-ins of key results."""

    def __init__(
        self, client: AsyncMongoClient, database: str, policy: WritePolicy | None = None
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]

    async def ensure_indexes(self) -> None:
        """Check-ins are read by key only."""

    async def apply(self, data: dict[str, Any], meta: dict[str, Any]) -> Folded:
        """Folds a check-in or correction into its key result (not applied if the document
        already includes it)."""
        tenant_id = meta["tenant_id"]
        return await fold_into(
            self._collection,
            key_result_key(tenant_id, data["key_result_id"]),
            tenant_id,
            meta["version"],
            lambda current: apply_check_in_event(current, data, meta),
            DERIVED,
            policy=self.policy,
        )

    async def erase_reporter(
        self, tenant_id: str, person_id: str, key_result_id: str | None = None
    ) -> int:
        """Erases the texts of the person's check-ins in every key result of the tenant (or in
        one); the document's version, that of the check-in log, is kept. How many changed."""
        changed = 0
        query = (
            {"tenant_id": tenant_id}
            if key_result_id is None
            else {"_id": key_result_key(tenant_id, key_result_id)}
        )
        for doc in await self._collection.find(query).to_list(None):
            for _ in range(5):
                erased = erase_reporter(doc, person_id)
                if erased is None:
                    break
                guard = self.policy.filter(doc["_id"], version=doc["version"])
                update = {"$set": {"check_ins": erased["check_ins"]}}
                if (await self._collection.update_one(guard, update)).matched_count == 1:
                    changed += 1
                    break
                doc = await self._collection.find_one({"_id": doc["_id"]})
        return changed

    async def get(self, tenant_id: str, key_result_id: str) -> Document | None:
        return await self._collection.find_one({"_id": key_result_key(tenant_id, key_result_id)})

    async def states(
        self, tenant_id: str, key_result_ids: Iterable[str]
    ) -> dict[str, dict[str, Any]]:
        """The check-in state of every key result among `key_result_ids` that has check-ins, by
        key result id."""
        keys = [key_result_key(tenant_id, k) for k in dict.fromkeys(key_result_ids)]
        if not keys:
            return {}
        found = self._collection.find({"_id": {"$in": keys}}, {"key_result_id": 1, "check_ins": 1})
        return {
            d["key_result_id"]: check_in_state(d["check_ins"])
            async for d in found
            if d["check_ins"]
        }

    async def add_period(self, data: dict[str, Any], meta: dict[str, Any]) -> Document:
        """Records that a reminder was sent for the period; the key result's check-in document
        after it."""
        key = key_result_key(meta["tenant_id"], data["key_result_id"])
        add = {"$addToSet": {"reminder_periods": period_of(data)}}
        for _ in range(2):
            doc = await self._collection.find_one_and_update(
                {"_id": key}, add, return_document=ReturnDocument.AFTER
            )
            if doc is not None:
                return doc
            try:
                fresh = {**empty_log(data, meta), "reminder_periods": [period_of(data)]}
                await self._collection.insert_one(fresh)
                return fresh
            except DuplicateKeyError:
                continue
        raise RuntimeError(f"could not record the reminder period of {key}: concurrent writers")
