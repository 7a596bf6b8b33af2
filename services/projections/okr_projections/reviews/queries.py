"""Queries over the reviews on the objective documents: the grading status of a cycle."""

from __future__ import annotations

from typing import Any

from okr_projections.objectives.queries import ObjectiveQueries
from okr_projections.reviews.domain import cycle_grading
from okr_shared.identity import Principal


class GradingQueries:
    """Grading of the objectives the principal may see (all of them for admins and auditors)."""

    def __init__(self, objectives: ObjectiveQueries) -> None:
        self.objectives = objectives

    async def cycle_grading(self, principal: Principal, cycle_id: str) -> dict[str, Any]:
        """Per visible objective of the cycle: its review's status, the key results scored by
        self and manager, those still missing a self-score; and the counts."""
        docs = await self.objectives.objectives_list(principal, {"cycle_id": cycle_id}, 0, 0)
        return cycle_grading(cycle_id, docs)
