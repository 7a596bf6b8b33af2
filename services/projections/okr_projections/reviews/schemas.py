"""Response bodies of the reviews: the review on an objective, the grading status of a cycle and
the distribution of its scores."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from okr_projections.reviews.domain import GRADING_STATUSES, REVIEW_STATUSES
from okr_shared.contracts.vocabulary import BAND_COLORS


class BandLabelOut(BaseModel):
    en: str
    zh: str


class BandOut(BaseModel):
    """A band of the review's rule set: colour (red, yellow or green) and label."""

    color: str
    label: BandLabelOut


class KeyResultReviewOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    key_result_id: str
    title: str | None = None
    owner_id: str | None = None
    weight: float | None = None
    value: bool | float | None = Field(
        None, description="The value effective at the cycle's end as known when grading opened"
    )
    progress: float | None = None
    suggested_score: float | None = None
    score: float | None = Field(None, description="The standing score (None until scored)")
    band: BandOut | None = None
    kind: str | None = Field(
        None,
        description="Of the standing score: self, manager, correction, or suggestion when "
        "nobody scored it",
    )
    scored_by: str | None = None
    scored_at: str | None = None
    self_score: float | None = None
    manager_score: float | None = None


class ReviewOut(BaseModel):
    """The objective's review: its status, scores and bands, as the review service published
    them."""

    model_config = ConfigDict(extra="allow")

    review_id: str
    cycle_id: str | None = None
    status: Literal[REVIEW_STATUSES] | None = None
    rule_version: int | None = None
    commitment: str | None = None
    score: float | None = Field(
        None, description="The objective's score (None until the first score or finalisation)"
    )
    band: BandOut | None = None
    opened_at: str | None = None
    finalised_at: str | None = None
    key_results: dict[str, KeyResultReviewOut] = {}
    version: int | None = Field(None, description="The review's last version folded")


class KeyResultGradingOut(BaseModel):
    key_result_id: str
    title: str | None = None
    owner_id: str | None = None
    suggested_score: float | None = None
    score: float | None = None
    kind: str | None = None
    self_scored: bool
    manager_scored: bool


class ObjectiveGradingCountsOut(BaseModel):
    key_results: int
    self_scored: int
    manager_scored: int
    missing_self_score: int


class ObjectiveGradingOut(BaseModel):
    objective_id: str
    title: str | None = None
    owner_type: str | None = None
    owner_id: str | None = None
    org_unit_id: str | None = None
    review_id: str | None = None
    status: Literal[GRADING_STATUSES] = Field(
        description="not_opened (no review yet), open or finalised"
    )
    score: float | None = None
    band: BandOut | None = None
    key_results: list[KeyResultGradingOut]
    missing_self_score: list[str] = Field(description="Key results without a self-score")
    counts: ObjectiveGradingCountsOut


class CycleGradingCountsOut(BaseModel):
    objectives: int
    not_opened: int
    open: int
    finalised: int
    key_results: int
    missing_self_score: int


class CycleGradingOut(BaseModel):
    """The grading status of a cycle's objectives the caller may see."""

    cycle_id: str
    org_unit_id: str | None = Field(None, description="The unit whose subtree was asked, if any")
    objectives: list[ObjectiveGradingOut]
    counts: CycleGradingCountsOut


class ScoreSummaryOut(BaseModel):
    count: int
    mean: float = Field(description="Exact mean of the scores, 6 decimals (0 for none)")
    spread: float = Field(description="Population standard deviation, 6 decimals")
    bands: dict[Literal[BAND_COLORS], float] = Field(
        description="Share of the objectives in each band colour (red, yellow, green), 6 decimals"
    )


class ScoreDistributionOut(BaseModel):
    """The distribution of the current review scores of a cycle's objectives the caller may see;
    an objective without unit or manager is grouped under the empty key."""

    cycle_id: str
    org_unit_id: str | None = None
    overall: ScoreSummaryOut
    by_org_unit: dict[str, ScoreSummaryOut]
    by_manager: dict[str, ScoreSummaryOut]
    by_commitment: dict[str, ScoreSummaryOut]
