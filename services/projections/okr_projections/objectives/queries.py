"""Queries over the objective read model, with the visibility rules applied to every read."""

from __future__ import annotations

from typing import Any

from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document
from okr_projections.objectives.domain import involvement
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.objectives.visibility import can_read
from okr_shared.identity import Principal


class ObjectiveQueries:
    """Objectives within the principal's tenant and what the principal may see (the directory
    says who the principal is and which units lie below a unit)."""

    def __init__(self, objectives: ObjectiveStore, directory: DirectoryQueries) -> None:
        self.objectives = objectives
        self.directory = directory

    async def objective(self, principal: Principal, objective_id: str) -> Document | None:
        """One objective, or None when it does not exist or the principal may not see it."""
        doc = await self.objectives.get(principal.tenant_id, objective_id)
        if doc is None or not can_read(doc, await self.directory.reader(principal)):
            return None
        return doc

    async def objectives_list(
        self, principal: Principal, filters: dict[str, Any], limit: int, offset: int
    ) -> list[Document]:
        """Visible objectives matching equality filters (a list value means any of)."""
        return await self.objectives.list(
            principal.tenant_id, filters, limit, offset, await self.directory.reader(principal)
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
            "org_unit_id": await self.directory.unit_scope(
                principal.tenant_id, org_unit_id, include_sub_units
            )
        }
        if cycle_id:
            filters["cycle_id"] = cycle_id
        return await self.objectives_list(principal, filters, limit, offset)

    async def person_objectives(
        self, principal: Principal, person_id: str, cycle_id: str | None, limit: int, offset: int
    ) -> list[tuple[Document, list[str]]]:
        """Visible objectives the person owns or owns a key result or initiative of, with why."""
        filters = {"cycle_id": cycle_id} if cycle_id else {}
        reader = await self.directory.reader(principal)
        docs = await self.objectives.involving(
            principal.tenant_id, person_id, filters, limit, offset, reader
        )
        return [(doc, involvement(doc, person_id)) for doc in docs]
