"""Request and response bodies of re-scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from okr_reviews.reviews.schemas import BandOut
from okr_reviews.rules.schemas import BandsIn
from okr_reviews.schemas import Body
from okr_shared.api_models import MAX_VERSION

Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Version = Annotated[int, Field(ge=0, le=MAX_VERSION)]
Instant = Annotated[
    datetime | None,
    Field(strict=False, description="An RFC 3339 date-time with offset, not in the future"),
]


class DraftRulesIn(Body):
    """A draft rule set, checked as setting the rules checks it; nothing is stored."""

    step: Annotated[float, Field(description="Scores are multiples of it; it must divide 1")]
    remark_threshold: Annotated[
        float, Field(description="A score further than this from the suggestion needs a remark")
    ]
    bands: BandsIn

    def as_rules(self) -> dict:
        return self.model_dump(by_alias=True)


class RescoreIn(Body):
    """Exactly one of `rule_version` (an existing version) and `rules` (a draft); with `as_of`,
    the scores as they stood then are re-scored."""

    rule_version: Version | None = None
    rules: DraftRulesIn | None = None
    as_of: Instant = None


class AdoptIn(Body):
    """An existing rule version (a draft must first be set as the rules) and why."""

    rule_version: Version
    reason: Reason


class KeyResultScoreOut(BaseModel):
    key_result_id: str
    suggested_score: float
    score: float = Field(
        description="The latest score given (kept as given under other rules), else the suggestion"
    )
    score_kind: str = Field(description="self, manager, correction, or suggestion")
    band: BandOut


class ScoredOut(BaseModel):
    """The review under one rule set; `rule_version` null for a draft."""

    rule_version: int | None
    score: float = Field(description="Weighted mean of the key results' scores")
    band: BandOut
    key_results: list[KeyResultScoreOut]


class ComparedOut(BaseModel):
    review_id: str
    objective_id: str
    commitment: str
    finalised: bool
    bound: ScoredOut = Field(description="Under the rules the review is bound to, as recorded")
    other: ScoredOut = Field(description="Under the other rules")
    band_changed: bool


class BandChangeOut(BaseModel):
    review_id: str
    objective_id: str
    before: BandOut
    after: BandOut


class SummaryOut(BaseModel):
    count: int
    mean: float
    spread: float = Field(description="Population standard deviation")
    bands: dict[str, float] = Field(description="Share of objectives per band colour")


class DistributionOut(BaseModel):
    """Keys of the groups: org unit, manager and commitment ids; "" for none."""

    overall: SummaryOut
    by_org_unit: dict[str, SummaryOut]
    by_manager: dict[str, SummaryOut]
    by_commitment: dict[str, SummaryOut]


class DistributionsOut(BaseModel):
    bound: DistributionOut
    other: DistributionOut


class RescoreOut(BaseModel):
    """What the readable reviews of the cycle would score under the other rules; nothing was
    stored."""

    cycle_id: str
    as_of: datetime | None
    rule_version: int | None
    draft: bool
    note: str
    reviews: list[ComparedOut]
    changed: list[BandChangeOut] = Field(description="The objectives whose band would change")
    distribution: DistributionsOut


class ReviewScoresOut(BaseModel):
    review_id: str
    objective_id: str
    commitment: str
    finalised: bool
    version: int = Field(description="The review's version at that instant")
    rule_version: int
    score: float
    band: BandOut
    key_results: list[KeyResultScoreOut]


class ScoresOut(BaseModel):
    """The readable reviews of the cycle as they stood at `as_of`."""

    cycle_id: str
    as_of: datetime
    items: list[ReviewScoresOut]
