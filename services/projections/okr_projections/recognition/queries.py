"""Queries over the recognition items, visibility-aware: a kudos shows only to readers of its
objective (`okr_projections.objectives.visibility`); approved honours and badges to everyone in
the tenant."""

from __future__ import annotations

from typing import Any

from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document, public_view
from okr_projections.objectives.queries import ObjectiveQueries
from okr_projections.objectives.visibility import Reader, can_read
from okr_projections.recognition.store import RecognitionStore
from okr_shared import access
from okr_shared.errors import NotFound
from okr_shared.identity import Principal


def _newest_first(items: list[Document]) -> list[dict[str, Any]]:
    """The items newest first, as the API serves them (no storage key)."""
    ordered = sorted(items, key=lambda d: (d["at"], d["_id"]), reverse=True)
    return [public_view(d) for d in ordered]


class RecognitionQueries:
    """A person's recognition and a team's wall."""

    def __init__(
        self,
        store: RecognitionStore | None,
        objectives: ObjectiveQueries,
        directory: DirectoryQueries,
    ) -> None:
        self.store = store
        self.objectives = objectives
        self.directory = directory

    async def _readable(
        self, tenant_id: str, reader: Reader, kudos: list[Document]
    ) -> list[Document]:
        readable: dict[str, bool] = {}
        for objective_id in {k["objective_id"] for k in kudos}:
            doc = await self.objectives.objectives.get(tenant_id, objective_id)
            readable[objective_id] = doc is not None and can_read(doc, reader)
        if reader.actor().roles & {access.ADMIN, access.AUDITOR}:
            return kudos
        return [k for k in kudos if readable[k["objective_id"]]]

    async def _placed_now(self, principal: Principal, scope: list[str]) -> list[Document]:
        """Honours of people whose unit was unknown when projected (the person arrived later),
        placed by the unit the directory read model gives them now."""
        placed = []
        for honour in await self.store.honours_unplaced(principal.tenant_id):
            person = await self.directory.person(principal, honour["nominee_id"])
            if person is not None and person.get("org_unit_id") in scope:
                placed.append(honour)
        return placed

    async def person(self, principal: Principal, person_id: str) -> dict[str, Any]:
        """Kudos the person received and gave on goals the principal may read, their approved
        honours and badges, newest first; NotFound for a person unknown in the tenant."""
        tenant = principal.tenant_id
        if await self.directory.person(principal, person_id) is None:
            raise NotFound("person", person_id)
        empty: dict[str, list[Document]] = {
            "kudos_received": [],
            "kudos_given": [],
            "honours": [],
            "badges": [],
        }
        found = await self.store.of_person(tenant, person_id) if self.store else empty
        reader = await self.directory.reader(principal)
        for side in ("kudos_received", "kudos_given"):
            found[side] = await self._readable(tenant, reader, found[side])
        return {"person_id": person_id, **{k: _newest_first(v) for k, v in found.items()}}

    async def wall(
        self,
        principal: Principal,
        org_unit_id: str,
        include_sub_units: bool,
        limit: int,
        offset: int,
    ) -> dict[str, Any]:
        """Kudos on the unit's goals (objectives whose org unit it is, the team's and its
        people's) the principal may read, and the approved honours of the unit and its people,
        newest first, a page of them; NotFound for an unknown unit."""
        tenant = principal.tenant_id
        if await self.directory.org_unit(principal, org_unit_id) is None:
            raise NotFound("org unit", org_unit_id)
        scope = await self.directory.unit_scope(tenant, org_unit_id, include_sub_units)
        if self.store is None:
            items: list[Document] = []
        else:
            goals = await self.objectives.org_unit_objectives(
                principal, org_unit_id, None, include_sub_units, 0, 0
            )
            kudos = await self.store.kudos_on(tenant, [g["objective_id"] for g in goals])
            honours = await self.store.honours_in(tenant, scope)
            honours += await self._placed_now(principal, scope)
            items = _newest_first([*kudos, *honours])
        return {
            "org_unit_id": org_unit_id,
            "items": items[offset : offset + limit],
            "total": len(items),
            "limit": limit,
            "offset": offset,
        }
