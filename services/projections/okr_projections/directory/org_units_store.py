"""Org-unit documents (collection `org_units`): version-guarded folds and the `ancestors` they
derive."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, AsyncMongoClient

from okr_projections.directory.domain import ancestors_from, apply_org_unit_event
from okr_projections.documents import Document, tenant_key
from okr_projections.store import Folded, WritePolicy, fold_into

COLLECTION = "org_units"
DERIVED = ("ancestors",)


class OrgUnitStore:
    """Reads and writes of org units; `ancestors` is a separate `$set` recomputed from the
    parent."""

    def __init__(
        self,
        client: AsyncMongoClient,
        database: str,
        max_attempts: int = 10,
        policy: WritePolicy | None = None,
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]
        self._max_attempts = max_attempts

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("tenant_id", ASCENDING), ("parent_id", ASCENDING)])
        await self._collection.create_index([("tenant_id", ASCENDING), ("ancestors", ASCENDING)])

    async def apply(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> Folded:
        """Folds the event into its org unit (not applied if the document already includes it)."""
        tenant_id = meta["tenant_id"]
        return await fold_into(
            self._collection,
            tenant_key(tenant_id, data["org_unit_id"]),
            tenant_id,
            meta["version"],
            lambda current: apply_org_unit_event(current, event_type, data, meta),
            DERIVED,
            creates=event_type == "OrgUnitCreated",
            policy=self.policy,
        )

    async def refresh_subtree(self, tenant_id: str, org_unit_id: str) -> list[str]:
        """Recomputes `ancestors` of the unit and of every unit below it, parents first."""
        visited: set[str] = set()
        frontier = [org_unit_id]
        order: list[str] = []
        while frontier:
            unit_id = frontier.pop(0)
            if unit_id in visited:
                continue
            visited.add(unit_id)
            order.append(unit_id)
            await self._refresh_ancestors(tenant_id, unit_id)
            children = self._collection.find(
                {"tenant_id": tenant_id, "parent_id": unit_id}, {"org_unit_id": 1}
            )
            frontier += [c["org_unit_id"] async for c in children]
        return order

    async def _parent_ancestors(self, tenant_id: str, parent_id: str | None) -> list[str] | None:
        if parent_id is None:
            return None
        parent = await self._collection.find_one(
            {"_id": tenant_key(tenant_id, parent_id)}, {"ancestors": 1}
        )
        return None if parent is None else parent["ancestors"]

    async def _refresh_ancestors(self, tenant_id: str, org_unit_id: str) -> None:
        """Compare-and-set of `ancestors`, repeated until the parent's did not change meanwhile."""
        key = tenant_key(tenant_id, org_unit_id)
        for _ in range(self._max_attempts):
            doc = await self._collection.find_one(
                {"_id": key}, {"version": 1, "parent_id": 1, "ancestors": 1}
            )
            if doc is None:
                return
            above = await self._parent_ancestors(tenant_id, doc["parent_id"])
            value = ancestors_from(org_unit_id, doc["parent_id"], above)
            if value != doc["ancestors"]:
                guard = self.policy.filter(key, version=doc["version"], ancestors=doc["ancestors"])
                result = await self._collection.update_one(guard, {"$set": {"ancestors": value}})
                if result.matched_count == 0:
                    continue
            if await self._parent_ancestors(tenant_id, doc["parent_id"]) == above:
                return
        raise RuntimeError(f"ancestors of {org_unit_id} did not settle: concurrent writers")

    async def get(self, tenant_id: str, org_unit_id: str) -> Document | None:
        return await self._collection.find_one({"_id": tenant_key(tenant_id, org_unit_id)})

    async def subtree(self, tenant_id: str, org_unit_id: str) -> list[str]:
        """The unit and every known unit below it."""
        below = self._collection.find(
            {"tenant_id": tenant_id, "ancestors": org_unit_id}, {"org_unit_id": 1}
        )
        return [org_unit_id, *sorted([d["org_unit_id"] async for d in below])]
