"""Reward read models: records per tenant, cycle and person (collection `reward_records`, written
by compare-and-set on `rev`), cycle bindings (`reward_bindings`) and policy versions
(`reward_policies`), each written once.

The folds are idempotent (an entry is kept once, a binding or policy version is inserted once),
so an event folded again changes nothing and is not written.
"""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from okr_projections.documents import Document, UnprojectableEvent
from okr_projections.rewards.domain import (
    binding_key,
    fold_entry,
    policy_key,
    record_key,
)
from okr_projections.store import Folded, WritePolicy

RECORDS, BINDINGS, POLICIES = "reward_records", "reward_bindings", "reward_policies"


class RewardStore:
    """Reads and writes of the reward read models."""

    def __init__(
        self,
        client: AsyncMongoClient,
        database: str,
        policy: WritePolicy | None = None,
        max_attempts: int = 5,
    ) -> None:
        self.policy = policy or WritePolicy()
        self._records = client[database][RECORDS]
        self._bindings = client[database][BINDINGS]
        self._policies = client[database][POLICIES]
        self._max_attempts = max_attempts

    async def ensure_indexes(self) -> None:
        await self._records.create_index([("tenant_id", ASCENDING), ("person_id", ASCENDING)])
        await self._records.create_index([("tenant_id", ASCENDING), ("cycle_id", ASCENDING)])

    async def apply_entry(
        self, event_type: str, data: dict[str, Any], meta: dict[str, Any]
    ) -> Folded:
        """Folds an award entry into the person's record (not applied if it was there)."""
        tenant_id = meta["tenant_id"]
        key = record_key(tenant_id, data["cycle_id"], data["person_id"])
        for _ in range(self._max_attempts):
            current = await self._records.find_one({"_id": key})
            if current is not None and current["tenant_id"] != tenant_id:
                raise UnprojectableEvent(f"reward record {key} belongs to another tenant")
            try:
                doc = fold_entry(current, event_type, data, meta)
            except (KeyError, TypeError, ValueError) as exc:
                raise UnprojectableEvent(f"cannot fold {event_type} into {key}: {exc!r}") from exc
            if current is not None and doc == current:
                return Folded(False, current)
            if current is None:
                try:
                    await self._records.insert_one({**doc, "rev": 1})
                except DuplicateKeyError:
                    continue
                return Folded(True, {**doc, "rev": 1})
            owned = {k: v for k, v in doc.items() if k not in ("_id", "rev")}
            result = await self._records.update_one(
                self.policy.filter(key, rev=current["rev"]),
                {"$set": {**owned, "rev": current["rev"] + 1}},
            )
            if result.matched_count == 1:
                return Folded(True, {**doc, "rev": current["rev"] + 1})
        raise RuntimeError(f"could not write {key}: concurrent writers")

    async def insert_once(self, which: str, doc: Document) -> bool:
        """Inserts a binding or policy version; False when it is there already."""
        collection = self._bindings if which == BINDINGS else self._policies
        try:
            await collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    async def binding(self, tenant_id: str, cycle_id: str) -> Document | None:
        return await self._bindings.find_one({"_id": binding_key(tenant_id, cycle_id)})

    async def policy_version(self, tenant_id: str, policy_id: str, version: int) -> Document | None:
        return await self._policies.find_one({"_id": policy_key(tenant_id, policy_id, version)})

    async def of_cycle(self, tenant_id: str, cycle_id: str) -> list[Document]:
        return await self._find({"tenant_id": tenant_id, "cycle_id": cycle_id})

    async def of_person(self, tenant_id: str, person_id: str) -> list[Document]:
        return await self._find({"tenant_id": tenant_id, "person_id": person_id})

    async def _find(self, query: dict[str, Any]) -> list[Document]:
        cursor = self._records.find(query).sort("_id", ASCENDING)
        return await cursor.to_list(None)
