"""Person documents (collection `people`): version-guarded folds and walks along `manager_id`
links."""

from __future__ import annotations

from typing import Any

from pymongo import ASCENDING, AsyncMongoClient

from okr_projections.directory.domain import apply_person_event
from okr_projections.documents import Document, tenant_key
from okr_projections.store import Folded, WritePolicy, fold_into

COLLECTION = "people"


class PeopleStore:
    """Reads and writes of people."""

    def __init__(
        self, client: AsyncMongoClient, database: str, policy: WritePolicy | None = None
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]

    async def ensure_indexes(self) -> None:
        await self._collection.create_index([("tenant_id", ASCENDING), ("manager_id", ASCENDING)])
        await self._collection.create_index([("tenant_id", ASCENDING), ("org_unit_id", ASCENDING)])

    async def apply(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> Folded:
        """Folds the event into its person (not applied if the document already includes it)."""
        tenant_id = meta["tenant_id"]
        return await fold_into(
            self._collection,
            tenant_key(tenant_id, data["person_id"]),
            tenant_id,
            meta["version"],
            lambda current: apply_person_event(current, event_type, data, meta),
            creates=event_type == "PersonJoined",
            policy=self.policy,
        )

    async def get(self, tenant_id: str, person_id: str) -> Document | None:
        return await self._collection.find_one({"_id": tenant_key(tenant_id, person_id)})

    async def erased(self, tenant_id: str, person_id: str) -> bool:
        """Whether the person's personal data was erased."""
        person = await self.get(tenant_id, person_id)
        return bool(person and person.get("erased"))

    async def reports_of(self, tenant_id: str, person_id: str) -> set[str]:
        """Everyone below the person in the manager chain, one query per level."""
        seen = {person_id}
        frontier = [person_id]
        while frontier:
            below = self._collection.find(
                {"tenant_id": tenant_id, "manager_id": {"$in": frontier}}, {"person_id": 1}
            )
            frontier = [d["person_id"] async for d in below if d["person_id"] not in seen]
            seen.update(frontier)
        return seen - {person_id}
