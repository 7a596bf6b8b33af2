"""Folds objective events into the objective read model, then refreshes the rollups they move."""

from __future__ import annotations

from typing import Any

from okr_projections.check_ins.projector import CheckInProjector
from okr_projections.objectives.domain import arriving_key_results
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.reviews.projector import ReviewProjector


class ObjectiveProjector:
    """Objective events; with the check-in projector, key results arrive with their stored
    check-ins, and with the review projector, a new objective with its logged review."""

    def __init__(
        self,
        objectives: ObjectiveStore,
        check_ins: CheckInProjector | None = None,
        reviews: ReviewProjector | None = None,
    ):
        self.objectives = objectives
        self.check_ins = check_ins
        self.reviews = reviews

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the event changed its document; the rollups are refreshed even on redelivery."""
        tenant_id = meta["tenant_id"]
        folded = await self.objectives.apply(event_type, data, meta)
        doc = folded.doc
        arriving = arriving_key_results(event_type, data)
        if arriving and self.check_ins is not None:
            doc = (
                await self.check_ins.apply_stored(tenant_id, data["objective_id"], arriving) or doc
            )
        if event_type == "ObjectiveCreated" and self.reviews is not None:
            doc = await self.reviews.apply_stored(tenant_id, data["objective_id"]) or doc
        named = [data["parent_objective_id"]] if data.get("parent_objective_id") else []
        await self.objectives.refresh_rollups(tenant_id, doc, named)
        return folded.applied
