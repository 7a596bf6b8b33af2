"""The read side: queries over the read models, with the visibility rules applied to every objective read."""

from __future__ import annotations

from typing import Any

from okr_projections.cycles.store import CycleStore
from okr_projections.cycles.tree import alignment_tree
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.documents import Document
from okr_projections.due.store import DueStore
from okr_projections.objectives.domain import involvement
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.objectives.visibility import Reader, can_read, can_read_work_of, reader_from
from okr_shared import access
from okr_shared.identity import Principal


class ReadQueries:
    """What the HTTP API asks, answered within the principal's tenant and what the principal may see."""

    def __init__(
        self,
        objectives: ObjectiveStore,
        org_units: OrgUnitStore,
        people: PeopleStore,
        cycles: CycleStore,
        due: DueStore | None = None,
    ) -> None:
        self.objectives = objectives
        self.org_units = org_units
        self.people = people
        self.cycles = cycles
        self.due = due

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

    async def objective(self, principal: Principal, objective_id: str) -> Document | None:
        """One objective, or None when it does not exist or the principal may not see it."""
        doc = await self.objectives.get(principal.tenant_id, objective_id)
        if doc is None or not can_read(doc, await self.reader(principal)):
            return None
        return doc

    async def objectives_list(
        self, principal: Principal, filters: dict[str, Any], limit: int, offset: int
    ) -> list[Document]:
        """Visible objectives matching equality filters (a list value means any of)."""
        return await self.objectives.list(
            principal.tenant_id, filters, limit, offset, await self.reader(principal)
        )

    async def unit_scope(
        self, tenant_id: str, org_unit_id: str, include_sub_units: bool = True
    ) -> list[str]:
        """The unit, and when asked every known unit below it."""
        return (
            await self.org_units.subtree(tenant_id, org_unit_id)
            if include_sub_units
            else [org_unit_id]
        )

    async def org_unit_objectives(
        self,
        principal: Principal,
        org_unit_id: str,
        cycle_id: str | None,
        include_sub_units: bool,
        limit: int,
        offset: int,
    ) -> list[Document]:
        """Visible objectives whose org unit is the unit (or, if asked, any unit below it)."""
        filters: dict[str, Any] = {
            "org_unit_id": await self.unit_scope(
                principal.tenant_id, org_unit_id, include_sub_units
            )
        }
        if cycle_id:
            filters["cycle_id"] = cycle_id
        return await self.objectives_list(principal, filters, limit, offset)

    async def person_objectives(
        self, principal: Principal, person_id: str, cycle_id: str | None, limit: int, offset: int
    ) -> list[tuple[Document, list[str]]]:
        """Visible objectives the person owns or owns a key result or initiative of, each with why."""
        filters = {"cycle_id": cycle_id} if cycle_id else {}
        docs = await self.objectives.involving(
            principal.tenant_id, person_id, filters, limit, offset, await self.reader(principal)
        )
        return [(doc, involvement(doc, person_id)) for doc in docs]

    async def check_ins_due(
        self, principal: Principal, person_id: str, limit: int, offset: int
    ) -> list[Document] | None:
        """The person's open check-ins due, oldest first (none without the due read model); None if not theirs to see."""
        if not can_read_work_of(person_id, await self.reader(principal)):
            return None
        return (
            []
            if self.due is None
            else await self.due.open_for(principal.tenant_id, person_id, limit, offset)
        )

    async def cycle_tree(
        self, principal: Principal, cycle_id: str, org_unit_id: str | None
    ) -> list[dict[str, Any]]:
        """The alignment tree of the visible objectives of the cycle (within the unit's subtree if given)."""
        filters: dict[str, Any] = {"cycle_id": cycle_id}
        if org_unit_id:
            filters["org_unit_id"] = await self.unit_scope(principal.tenant_id, org_unit_id)
        return alignment_tree(await self.objectives_list(principal, filters, 0, 0))

    async def org_unit(self, principal: Principal, org_unit_id: str) -> Document | None:
        return await self.org_units.get(principal.tenant_id, org_unit_id)

    async def person(self, principal: Principal, person_id: str) -> Document | None:
        return await self.people.get(principal.tenant_id, person_id)

    async def cycle(self, principal: Principal, cycle_id: str) -> Document | None:
        return await self.cycles.get(principal.tenant_id, cycle_id)
