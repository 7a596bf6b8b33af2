"""Recognition items (collection `recognition`), version-guarded per item; read by person, by
objectives and by the nominee's unit."""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

from okr_projections.documents import Document
from okr_projections.recognition.domain import (
    APPROVED,
    BADGE,
    CREATING,
    HONOUR,
    KUDOS,
    fold,
    item_key,
)
from okr_projections.store import Folded, WritePolicy, fold_into, in_filter

COLLECTION = "recognition"


class RecognitionStore:
    """Reads and writes of the recognition items."""

    def __init__(
        self, client: AsyncMongoClient, database: str, policy: WritePolicy | None = None
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]

    async def ensure_indexes(self) -> None:
        for keys in (
            [("tenant_id", 1), ("recipient_id", 1)],
            [("tenant_id", 1), ("giver_id", 1)],
            [("tenant_id", 1), ("objective_id", 1)],
            [("tenant_id", 1), ("nominee_id", 1)],
            [("tenant_id", 1), ("org_unit_id", 1)],
        ):
            await self._collection.create_index(keys)

    async def apply(
        self,
        event_type: str,
        data: dict[str, Any],
        meta: dict[str, Any],
        nominee_unit: str | None = None,
    ) -> Folded:
        """Folds the event into its item (not applied if the item already holds its version)."""
        tenant_id = meta["tenant_id"]
        return await fold_into(
            self._collection,
            item_key(tenant_id, event_type, data),
            tenant_id,
            meta["version"],
            lambda doc: fold(doc, event_type, data, meta, nominee_unit),
            creates=event_type in CREATING,
            policy=self.policy,
        )

    async def _find(self, tenant_id: str, **filters: Any) -> list[Document]:
        found = self._collection.find(in_filter({"tenant_id": tenant_id, **filters}))
        return await found.to_list(None)

    async def of_person(self, tenant_id: str, person_id: str) -> dict[str, list[Document]]:
        """The person's kudos received and given, approved honours and badges."""
        return {
            "kudos_received": await self._find(tenant_id, kind=KUDOS, recipient_id=person_id),
            "kudos_given": await self._find(tenant_id, kind=KUDOS, giver_id=person_id),
            "honours": await self._find(
                tenant_id, kind=HONOUR, nominee_id=person_id, state=APPROVED
            ),
            "badges": await self._find(tenant_id, kind=BADGE, person_id=person_id),
        }

    async def kudos_on(self, tenant_id: str, objective_ids: list[str]) -> list[Document]:
        return await self._find(tenant_id, kind=KUDOS, objective_id=objective_ids)

    async def honours_in(self, tenant_id: str, org_unit_ids: list[str]) -> list[Document]:
        """Approved honours whose nominee's unit is one of the units."""
        return await self._find(tenant_id, kind=HONOUR, org_unit_id=org_unit_ids, state=APPROVED)

    async def honours_unplaced(self, tenant_id: str) -> list[Document]:
        """Approved honours of people whose unit was not known when they were projected."""
        return await self._find(tenant_id, kind=HONOUR, org_unit_id=None, state=APPROVED)
