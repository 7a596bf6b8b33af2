"""Folds recognition events into the recognition items; a nominee's unit is read from the
directory read model when the nomination arrives."""

from __future__ import annotations

from typing import Any

from okr_projections.directory.people_store import PeopleStore
from okr_projections.recognition.store import RecognitionStore
from okr_shared import access


class RecognitionProjector:
    """The recognition items."""

    def __init__(self, store: RecognitionStore, people: PeopleStore) -> None:
        self.store = store
        self.people = people

    async def _nominee_unit(self, tenant_id: str, data: dict[str, Any]) -> str | None:
        if "nominee_type" not in data:
            return None
        if data["nominee_type"] == access.ORG_UNIT:
            return data["nominee_id"]
        person = await self.people.get(tenant_id, data["nominee_id"])
        return person.get("org_unit_id") if person else None

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the event changed its item."""
        unit = await self._nominee_unit(meta["tenant_id"], data)
        return (await self.store.apply(event_type, data, meta, unit)).applied
