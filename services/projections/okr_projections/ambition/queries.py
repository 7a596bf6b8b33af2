"""Queries over the ambition records: the history of a person and of an org unit.

A unit's history covers the objectives whose org unit at finalisation is the unit or a unit below
it as the directory knows them now: the unit's own objectives, its sub-units', and those of
people the goal service placed in them (it gives a person's objective the owner's unit).
"""

from __future__ import annotations

from typing import Any

from okr_projections.ambition.domain import history, may_see_person_history, may_see_unit_history
from okr_projections.ambition.store import AmbitionStore
from okr_projections.cycles.store import CycleStore
from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document
from okr_shared.errors import Forbidden, NotFound
from okr_shared.identity import Principal


class AmbitionQueries:
    """Ambition histories, for those who may see them; NotFound for an unknown person or unit,
    Forbidden for a known one the principal may not see."""

    def __init__(
        self, ambition: AmbitionStore | None, cycles: CycleStore, directory: DirectoryQueries
    ) -> None:
        self.ambition = ambition
        self.cycles = cycles
        self.directory = directory

    async def person_history(self, principal: Principal, person_id: str) -> dict[str, Any]:
        """Per past cycle and overall, the scores of the objectives the person owned."""
        person = await self.directory.person(principal, person_id)
        if person is None:
            raise NotFound("person", person_id)
        if not may_see_person_history(await self.directory.reader(principal), person):
            raise Forbidden(
                "#/person_id",
                f"only {person_id}, the people above them, leaders of their unit or above, "
                "admins and auditors see their ambition history",
            )
        records = (
            await self.ambition.of_person(principal.tenant_id, person_id) if self.ambition else []
        )
        return {"person_id": person_id, **await self._history(principal, records)}

    async def unit_history(self, principal: Principal, org_unit_id: str) -> dict[str, Any]:
        """Per past cycle and overall, the scores of the objectives of the unit and below."""
        if await self.directory.org_unit(principal, org_unit_id) is None:
            raise NotFound("org unit", org_unit_id)
        if not may_see_unit_history(await self.directory.reader(principal), org_unit_id):
            raise Forbidden(
                "#/org_unit_id",
                f"only leaders of {org_unit_id} or a unit above it, admins and "
                "auditors see its ambition history",
            )
        scope = await self.directory.unit_scope(principal.tenant_id, org_unit_id)
        records = await self.ambition.of_units(principal.tenant_id, scope) if self.ambition else []
        return {
            "org_unit_id": org_unit_id,
            "org_unit_ids": scope,
            **await self._history(principal, records),
        }

    async def _history(self, principal: Principal, records: list[Document]) -> dict[str, Any]:
        cycle_ids = sorted({r["cycle_id"] for r in records})
        cycles = {c: await self.cycles.get(principal.tenant_id, c) for c in cycle_ids}
        return history(records, cycles)
