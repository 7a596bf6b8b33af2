"""Queries over the directory read models, and the principal as a reader of objectives."""

from __future__ import annotations

from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.documents import Document
from okr_projections.objectives.visibility import Reader, reader_from
from okr_shared import access
from okr_shared.identity import Principal


class DirectoryQueries:
    """Org units and people within the principal's tenant; who the principal is as a reader."""

    def __init__(self, org_units: OrgUnitStore, people: PeopleStore) -> None:
        self.org_units = org_units
        self.people = people

    async def reader(self, principal: Principal) -> Reader:
        """The principal as a reader: units above and below it and reports, from the read models."""
        tenant_id, roles = principal.tenant_id, frozenset(principal.roles)
        if roles & {access.ADMIN, access.AUDITOR} or not access.holds_position(roles):
            return reader_from(tenant_id, principal.actor_id, roles, None, None, ())
        person = await self.people.get(tenant_id, principal.actor_id)
        unit_id = person.get("org_unit_id") if person and person.get("active", True) else None
        unit = await self.org_units.get(tenant_id, unit_id) if unit_id else None
        below = await self.org_units.subtree(tenant_id, unit_id) if unit_id else []
        reports = await self.people.reports_of(tenant_id, principal.actor_id)
        return reader_from(tenant_id, principal.actor_id, roles, person, unit, reports, below)

    async def unit_scope(
        self, tenant_id: str, org_unit_id: str, include_sub_units: bool = True
    ) -> list[str]:
        """The unit, and when asked every known unit below it."""
        return (
            await self.org_units.subtree(tenant_id, org_unit_id)
            if include_sub_units
            else [org_unit_id]
        )

    async def org_unit(self, principal: Principal, org_unit_id: str) -> Document | None:
        return await self.org_units.get(principal.tenant_id, org_unit_id)

    async def person(self, principal: Principal, person_id: str) -> Document | None:
        return await self.people.get(principal.tenant_id, person_id)
