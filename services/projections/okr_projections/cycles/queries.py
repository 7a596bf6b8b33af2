"""Queries over the cycle read model and the alignment tree of a cycle."""

from __future__ import annotations

from typing import Any

from okr_projections.cycles.store import CycleStore
from okr_projections.cycles.tree import alignment_tree
from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document
from okr_projections.objectives.queries import ObjectiveQueries
from okr_shared.identity import Principal


class CycleQueries:
    """Cycles within the principal's tenant, and trees of the objectives the principal may see."""

    def __init__(
        self, cycles: CycleStore, objectives: ObjectiveQueries, directory: DirectoryQueries
    ) -> None:
        self.cycles = cycles
        self.objectives = objectives
        self.directory = directory

    async def cycle_tree(
        self, principal: Principal, cycle_id: str, org_unit_id: str | None
    ) -> list[dict[str, Any]]:
        """The alignment tree of the cycle's visible objectives (within the unit's subtree if
        given)."""
        filters: dict[str, Any] = {"cycle_id": cycle_id}
        if org_unit_id:
            filters["org_unit_id"] = await self.directory.unit_scope(
                principal.tenant_id, org_unit_id
            )
        return alignment_tree(await self.objectives.objectives_list(principal, filters, 0, 0))

    async def cycle(self, principal: Principal, cycle_id: str) -> Document | None:
        return await self.cycles.get(principal.tenant_id, cycle_id)
