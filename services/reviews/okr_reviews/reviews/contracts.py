"""Review events in their published `okr.reviews.v1` form: subject (the review id) and data."""

from __future__ import annotations

from typing import Any

from okr_reviews.reviews.domain import CORRECTION, Review
from okr_shared.contracts.mappings import Mapper

_OPENED_KR = ("title", "weight", "owner_id", "value", "check_in_id", "progress", "suggested_score")


def _opened(e: Any) -> tuple[str, dict[str, Any]]:
    review_id = str(e.originator_id)
    return review_id, {
        "review_id": review_id,
        "cycle_id": e.cycle_id,
        "objective_id": e.objective_id,
        "commitment": e.commitment,
        "rule_version": e.rule_version,
        "cycle_ends_on": e.cycle_ends_on,
        "grading_opened_at": e.grading_opened_at,
        "key_results": [
            {"key_result_id": kr_id, **{k: kr[k] for k in _OPENED_KR}}
            for kr_id, kr in e.key_results.items()
        ],
    }


def _scored(e: Any) -> tuple[str, dict[str, Any]]:
    review_id = str(e.originator_id)
    fields = ("cycle_id", "objective_id", "key_result_id", "kind", "score", "previous_score")
    more = ("suggested_score", "band", "objective_score", "objective_band", "remark", "reason")
    return review_id, {
        "review_id": review_id,
        **{k: getattr(e, k) for k in (*fields, *more)},
        "correction": e.kind == CORRECTION,
        "calibration_session_id": getattr(e, "calibration_session_id", None),
        "rule_version": e.rule_version,
    }


def _finalised(e: Any) -> tuple[str, dict[str, Any]]:
    review_id = str(e.originator_id)
    fields = ("cycle_id", "objective_id", "commitment", "rule_version", "score", "band")
    return review_id, {
        "review_id": review_id,
        **{k: getattr(e, k) for k in fields},
        "key_results": e.key_results,
        "reason": e.reason,
    }


def _suggestion_revised(e: Any) -> tuple[str, dict[str, Any]]:
    review_id = str(e.originator_id)
    fields = ("cycle_id", "objective_id", "key_result_id", "value", "check_in_id", "progress")
    more = ("suggested_score", "previous_suggested_score")
    return review_id, {"review_id": review_id, **{k: getattr(e, k) for k in (*fields, *more)}}


MAPPERS: dict[type, tuple[str, Mapper]] = {
    Review.Opened: ("ReviewOpened", _opened),
    Review.Scored: ("KeyResultScored", _scored),
    Review.SuggestionRevised: ("SuggestionRevised", _suggestion_revised),
    Review.Finalised: ("ReviewFinalised", _finalised),
}
