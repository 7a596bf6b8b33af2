"""Folds finalisations and corrections into the ambition records, with the objective's owner as
its document shows it then; an objective projected after its finalisation gives the record its
owner when it arrives.

The ambition projector follows the handlers the other read models already have for the same
events (`following`): each event is folded by both, in that order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from okr_projections.ambition.domain import AMBITION_EVENTS, follows, owner_of
from okr_projections.ambition.store import AmbitionStore
from okr_projections.objectives.domain import OBJECTIVE_EVENTS
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.projector import Handle, also


class AmbitionProjector:
    """The ambition records of finalised reviews."""

    def __init__(self, ambition: AmbitionStore, objectives: ObjectiveStore) -> None:
        self.ambition = ambition
        self.objectives = objectives

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if a finalisation or correction changed its record; other review events are not
        this read model's."""
        if not follows(event_type, data):
            return False
        objective = await self.objectives.get(meta["tenant_id"], data["objective_id"])
        folded = await self.ambition.apply(event_type, data, meta, owner_of(objective))
        return folded.applied

    async def objective_seen(
        self, event_type: str, data: dict[str, Any], meta: dict[str, Any]
    ) -> bool:
        """Gives the record of the objective's cycle its owner if it had none (finalised before
        the objective was projected); True if it did."""
        objective_id = data.get("objective_id")
        tenant_id = meta["tenant_id"]
        objective = await self.objectives.get(tenant_id, objective_id) if objective_id else None
        if objective is None or not objective.get("cycle_id"):
            return False
        written = await self.ambition.set_owner(
            tenant_id, objective_id, objective["cycle_id"], owner_of(objective) or {}
        )
        return written is not None and written.applied

    def following(self, handlers: Mapping[str, Handle]) -> dict[str, Handle]:
        """The handlers with this projector after them on finalisations, corrections and
        objective events."""
        return also(
            also(handlers, AMBITION_EVENTS, self.project), OBJECTIVE_EVENTS, self.objective_seen
        )
