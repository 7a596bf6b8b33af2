"""Routes each goal event to the read model it feeds, then refreshes what the change derives.

Derived fields (rollups, ancestors) are refreshed even when the event was already folded, so
an event redelivered after a crash between the fold and the refresh completes the refresh.
"""

from __future__ import annotations

from typing import Any

from okr_projections.adapters.cycles_store import CycleStore
from okr_projections.adapters.objectives_store import ObjectiveStore
from okr_projections.adapters.org_units_store import OrgUnitStore
from okr_projections.adapters.people_store import PeopleStore
from okr_projections.domain.cycles import CYCLE_EVENTS
from okr_projections.domain.directory import ORG_UNIT_EVENTS, PERSON_EVENTS
from okr_projections.domain.documents import UnprojectableEvent
from okr_projections.domain.objectives import OBJECTIVE_EVENTS

ORG_UNIT_HIERARCHY_EVENTS = frozenset({"OrgUnitCreated", "OrgUnitMoved"})


class Projector:
    """Folds one event into the read models; UnprojectableEvent when no model takes it."""

    def __init__(self, objectives: ObjectiveStore, org_units: OrgUnitStore, people: PeopleStore,
                 cycles: CycleStore) -> None:
        self.objectives = objectives
        self.org_units = org_units
        self.people = people
        self.cycles = cycles

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the event changed its document, False if the document already included it."""
        tenant_id = meta["tenant_id"]
        if event_type in OBJECTIVE_EVENTS:
            folded = await self.objectives.apply(event_type, data, meta)
            named = [data["parent_objective_id"]] if data.get("parent_objective_id") else []
            await self.objectives.refresh_rollups(tenant_id, folded.doc, named)
            return folded.applied
        if event_type in ORG_UNIT_EVENTS:
            folded = await self.org_units.apply(event_type, data, meta)
            if event_type in ORG_UNIT_HIERARCHY_EVENTS:
                await self.org_units.refresh_subtree(tenant_id, data["org_unit_id"])
            return folded.applied
        if event_type in PERSON_EVENTS:
            return (await self.people.apply(event_type, data, meta)).applied
        if event_type in CYCLE_EVENTS:
            return (await self.cycles.apply(event_type, data, meta)).applied
        raise UnprojectableEvent(f"no read model takes events of type {event_type}")
