"""Ambition records (collection `ambition_records`): one per tenant, objective and cycle, written
by compare-and-set on `rev` (the number of writes), read by owner or by org unit.

The fold is idempotent (the highest review version's score stands), so an event folded again
changes nothing and is not written.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from okr_projections.ambition.domain import fold, record_key, with_owner
from okr_projections.documents import Document, UnprojectableEvent
from okr_projections.store import Folded, WritePolicy
from okr_shared.access import PERSON

COLLECTION = "ambition_records"
Change = Callable[[Document | None], Document | None]


class AmbitionStore:
    """Reads and writes of the ambition records."""

    def __init__(
        self,
        client: AsyncMongoClient,
        database: str,
        policy: WritePolicy | None = None,
        max_attempts: int = 5,
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]
        self._max_attempts = max_attempts

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("tenant_id", ASCENDING), ("owner_id", ASCENDING)])
        await self._collection.create_index([("tenant_id", ASCENDING), ("org_unit_id", ASCENDING)])

    async def apply(
        self,
        event_type: str,
        data: dict[str, Any],
        meta: dict[str, Any],
        owner: Mapping[str, Any] | None = None,
    ) -> Folded:
        """Folds a finalisation or correction into its record (not applied if it changed
        nothing)."""
        tenant_id = meta["tenant_id"]
        key = record_key(tenant_id, data["objective_id"], data["cycle_id"])

        def change(current: Document | None) -> Document:
            try:
                return fold(current, event_type, data, meta, owner)
            except (KeyError, TypeError, ValueError) as exc:
                raise UnprojectableEvent(
                    f"cannot fold version {meta['version']} into {key}: {exc!r}"
                ) from exc

        return await self._write(tenant_id, key, change)

    async def set_owner(
        self, tenant_id: str, objective_id: str, cycle_id: str, owner: Mapping[str, Any]
    ) -> Folded | None:
        """Gives the record its owner if it has none yet; None without a record."""
        key = record_key(tenant_id, objective_id, cycle_id)
        return await self._write(
            tenant_id, key, lambda current: None if current is None else with_owner(current, owner)
        )

    async def _write(self, tenant_id: str, key: str, change: Change) -> Any:
        for _ in range(self._max_attempts):
            current = await self._collection.find_one({"_id": key})
            if current is not None and current["tenant_id"] != tenant_id:
                raise UnprojectableEvent(f"ambition record {key} belongs to another tenant")
            doc = change(current)
            if doc is None:
                return None
            if current is not None and doc == current:
                return Folded(False, current)
            if current is None:
                try:
                    await self._collection.insert_one({**doc, "rev": 1})
                except DuplicateKeyError:
                    continue
                return Folded(True, {**doc, "rev": 1})
            owned = {k: v for k, v in doc.items() if k != "_id"}
            result = await self._collection.update_one(
                self.policy.filter(key, rev=current["rev"]),
                {"$set": {**owned, "rev": current["rev"] + 1}},
            )
            if result.matched_count == 1:
                return Folded(True, {**doc, "rev": current["rev"] + 1})
        raise RuntimeError(f"could not write {key}: concurrent writers")

    async def get(self, tenant_id: str, objective_id: str, cycle_id: str) -> Document | None:
        return await self._collection.find_one(
            {"_id": record_key(tenant_id, objective_id, cycle_id)}
        )

    async def of_person(self, tenant_id: str, person_id: str) -> list[Document]:
        """The finalised records of objectives the person owned at finalisation."""
        return await self._find(
            {"tenant_id": tenant_id, "owner_type": PERSON, "owner_id": person_id}
        )

    async def of_units(self, tenant_id: str, org_unit_ids: Collection[str]) -> list[Document]:
        """The finalised records of objectives whose org unit at finalisation is one of those."""
        return await self._find(
            {"tenant_id": tenant_id, "org_unit_id": {"$in": list(org_unit_ids)}}
        )

    async def _find(self, query: dict[str, Any]) -> list[Document]:
        cursor = self._collection.find({**query, "finalised": True}).sort("_id", ASCENDING)
        return await cursor.to_list(None)
