"""Re-scoring events in their published `okr.reviews.v1` form: subject (the review id) and data."""

from __future__ import annotations

from typing import Any

from okr_reviews.reviews.domain import Review
from okr_shared.contracts.mappings import Mapper


def _rescored(e: Any) -> tuple[str, dict[str, Any]]:
    review_id = str(e.originator_id)
    fields = ("cycle_id", "objective_id", "previous_rule_version", "rule_version")
    return review_id, {
        "review_id": review_id,
        **{k: getattr(e, k) for k in fields},
        "key_results": e.key_results,
        "score": e.score,
        "band": e.band,
        "reason": e.reason,
        "finalised": e.finalised,
    }


MAPPERS: dict[type, tuple[str, Mapper]] = {Review.Rescored: ("ReviewRescored", _rescored)}
