"""Folds org-unit and person events into the directory read models."""

from __future__ import annotations

from typing import Any

from okr_projections.directory.domain import ORG_UNIT_EVENTS
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_shared.contracts.vocabulary import choose

ORG_UNIT_HIERARCHY_EVENTS = frozenset(choose(ORG_UNIT_EVENTS, "OrgUnitCreated", "OrgUnitMoved"))


class DirectoryProjector:
    """Org units (whose creation or move refreshes the ancestors below them) and people."""

    def __init__(self, org_units: OrgUnitStore, people: PeopleStore) -> None:
        self.org_units = org_units
        self.people = people

    async def project_org_unit(
        self, event_type: str, data: dict[str, Any], meta: dict[str, Any]
    ) -> bool:
        """True if the event changed its unit; the subtree is refreshed even on redelivery."""
        folded = await self.org_units.apply(event_type, data, meta)
        if event_type in ORG_UNIT_HIERARCHY_EVENTS:
            await self.org_units.refresh_subtree(meta["tenant_id"], data["org_unit_id"])
        return folded.applied

    async def project_person(
        self, event_type: str, data: dict[str, Any], meta: dict[str, Any]
    ) -> bool:
        """True if the event changed its person."""
        return (await self.people.apply(event_type, data, meta)).applied
