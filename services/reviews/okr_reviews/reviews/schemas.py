"""Request and response bodies of reviews."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from okr_reviews.reviews.domain import Review, standing_score
from okr_reviews.schemas import Body

Remark = Annotated[str, Field(min_length=1, max_length=2000)]


class ScoreIn(Body):
    """A self-assessment: a score from 0.0 to 1.0 on the step; a remark when it strays from the
    suggestion by more than the threshold. An admin's change after finalisation is a
    `correction` with a `reason`."""

    score: Annotated[float, Field(description="0.0 to 1.0, a multiple of the rules' step")]
    remark: Remark | None = None
    expected_version: Annotated[int, Field(ge=0, description="The review's version you saw")]
    correction: bool = False
    reason: Remark | None = None


class ManagerScoreIn(ScoreIn):
    """A manager's override, always with a remark."""

    remark: Remark


class FinaliseIn(Body):
    """Finalises every review of the cycle (admins), or with `org_unit_id` those of that unit and
    its sub-units (admins, and leaders of that unit or a unit above)."""

    reason: Remark
    org_unit_id: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class LabelOut(BaseModel):
    en: str
    zh: str


class BandOut(BaseModel):
    color: str
    label: LabelOut


class ScoreOut(BaseModel):
    """A score given: who, when, why and the standing score it replaced."""

    kind: str = Field(description="self, manager, correction or calibration")
    score: float
    previous_score: float
    remark: str | None
    reason: str | None
    by: str
    at: datetime
    calibration_session_id: str | None = Field(
        default=None, description="The calibration session of a calibration, else null"
    )


class KeyResultReviewOut(BaseModel):
    key_result_id: str
    title: str
    kind: str
    weight: float | None
    owner_id: str | None
    value: bool | float | None = Field(description="Effective at the cycle's end, as known then")
    check_in_id: str | None
    progress: float
    suggested_score: float
    score: float = Field(description="The latest score given, else the suggestion")
    band: BandOut
    scores: list[ScoreOut]


class FinalisedOut(BaseModel):
    by: str
    at: datetime
    reason: str


class ReviewOut(BaseModel):
    """An objective's review in a cycle, bound to a version of the scoring rules."""

    review_id: str
    version: int
    cycle_id: str
    objective_id: str
    commitment: str
    rule_version: int
    cycle_ends_on: str
    grading_opened_at: datetime
    score: float = Field(description="Weighted mean of the key results' scores")
    band: BandOut
    finalised: FinalisedOut | None
    key_results: list[KeyResultReviewOut]


class ReviewsOut(BaseModel):
    items: list[ReviewOut]


def review_out(review: Review) -> ReviewOut:
    """The answer for a review."""
    key_results: list[dict[str, Any]] = [
        {
            "key_result_id": kr_id,
            **{k: v for k, v in kr.items() if k != "scores"},
            "score": standing_score(kr),
            "band": review.key_result_band(kr_id),
            "scores": kr.get("scores", []),
        }
        for kr_id, kr in review.key_results.items()
    ]
    return ReviewOut.model_validate(
        {
            "review_id": str(review.id),
            "version": review.version,
            "cycle_id": review.cycle_id,
            "objective_id": review.objective_id,
            "commitment": review.commitment,
            "rule_version": review.rule_version,
            "cycle_ends_on": review.cycle_ends_on,
            "grading_opened_at": review.grading_opened_at,
            "score": review.score,
            "band": review.band,
            "finalised": review.finalised,
            "key_results": key_results,
        }
    )
