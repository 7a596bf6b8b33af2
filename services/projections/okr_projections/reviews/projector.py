"""Folds review events into the review logs, then shows each objective its review and refreshes
the score rollups it moves.

Kafka orders nothing between `okr.goals.v1` and `okr.reviews.v1`: a review event is logged even
before its objective is projected, and shown when the objective arrives (`apply_stored`). The
objective's review is written even on redelivery, to finish after a crash between the two writes.
"""

from __future__ import annotations

from typing import Any

from okr_projections.documents import Document
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.reviews.domain import current_review
from okr_projections.reviews.store import ReviewStore


class ReviewProjector:
    """The review logs and the review (and score rollups) on the objective documents."""

    def __init__(self, objectives: ObjectiveStore, reviews: ReviewStore) -> None:
        self.objectives = objectives
        self.reviews = reviews

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the event was not yet in its objective's review log."""
        tenant_id = meta["tenant_id"]
        folded = await self.reviews.apply(event_type, data, meta)
        moved = await self._show(tenant_id, data["objective_id"], folded.doc)
        if moved is not None:
            await self.objectives.refresh_rollups(tenant_id, moved)
        return folded.applied

    async def apply_stored(self, tenant_id: str, objective_id: str) -> Document | None:
        """Shows the logged review of an objective that just arrived; the objective after, None
        without a log."""
        log = await self.reviews.get(tenant_id, objective_id)
        return None if log is None else await self._show(tenant_id, objective_id, log)

    async def _show(self, tenant_id: str, objective_id: str, log: Document) -> Document | None:
        doc = await self.objectives.get(tenant_id, objective_id)
        if doc is None:
            return None
        review = current_review(log, doc.get("cycle_id"))
        return await self.objectives.set_review(tenant_id, objective_id, review, log["rev"])
