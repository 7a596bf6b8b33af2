"""Routes each goal or check-in event to the read model it feeds, then refreshes what the change derives.

Derived fields (rollups, ancestors, stored check-ins on arriving key results) are refreshed
even when the event was already folded, so an event redelivered after a crash between the
fold and the refresh completes the refresh.
"""

from __future__ import annotations

from typing import Any

from okr_projections.check_ins.projector import (
    CHECK_IN_CONTEXT_EVENTS,
    CheckInProjection,
)
from okr_projections.check_ins.store import CheckInStore
from okr_projections.cycles.domain import CYCLE_EVENTS
from okr_projections.cycles.store import CycleStore
from okr_projections.directory.domain import ORG_UNIT_EVENTS, PERSON_EVENTS
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.documents import UnprojectableEvent
from okr_projections.due.store import DueStore
from okr_projections.objectives.domain import OBJECTIVE_EVENTS, arriving_key_results
from okr_projections.objectives.store import ObjectiveStore

ORG_UNIT_HIERARCHY_EVENTS = frozenset({"OrgUnitCreated", "OrgUnitMoved"})


class Projector:
    """Folds one event into the read models; UnprojectableEvent when no model takes it (check-ins need their stores)."""

    def __init__(
        self,
        objectives: ObjectiveStore,
        org_units: OrgUnitStore,
        people: PeopleStore,
        cycles: CycleStore,
        check_ins: CheckInStore | None = None,
        due: DueStore | None = None,
    ) -> None:
        self.objectives = objectives
        self.org_units = org_units
        self.people = people
        self.cycles = cycles
        self.check_ins = check_ins
        self.due = due
        self._check_in_projection = (
            CheckInProjection(objectives, check_ins, due)
            if check_ins is not None and due is not None
            else None
        )

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the event changed its document, False if the document already included it."""
        tenant_id = meta["tenant_id"]
        if event_type in OBJECTIVE_EVENTS:
            folded = await self.objectives.apply(event_type, data, meta)
            doc = folded.doc
            arriving = arriving_key_results(event_type, data)
            if arriving and self._check_in_projection is not None:
                doc = (
                    await self._check_in_projection.apply_stored(
                        tenant_id, data["objective_id"], arriving
                    )
                    or doc
                )
            named = [data["parent_objective_id"]] if data.get("parent_objective_id") else []
            await self.objectives.refresh_rollups(tenant_id, doc, named)
            return folded.applied
        if event_type in CHECK_IN_CONTEXT_EVENTS and self._check_in_projection is not None:
            return await self._check_in_projection.project(event_type, data, meta)
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
