"""Request and response bodies of scoring rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from okr_reviews.rules.domain import COLORS
from okr_reviews.schemas import Body

Name = Annotated[str, Field(min_length=1, max_length=100)]


class LabelIn(Body):
    en: Name
    zh: Name


class BandIn(Body):
    from_: Annotated[float, Field(alias="from")]
    to: float
    color: Literal[COLORS]
    label: LabelIn


Bands = Annotated[list[BandIn], Field(min_length=1, max_length=20)]


class BandsIn(Body):
    aspirational: Bands
    committed: Bands


class RuleSetIn(Body):
    """A new version of the tenant's rules: bands must cover 0.0-1.0 exactly on the step."""

    step: Annotated[float, Field(description="Scores are multiples of it; it must divide 1")]
    remark_threshold: Annotated[
        float, Field(description="A score further than this from the suggestion needs a remark")
    ]
    bands: BandsIn
    reason: Annotated[str | None, Field(max_length=2000)] = None

    def rules(self) -> dict:
        return self.model_dump(by_alias=True, exclude={"reason"})


class LabelOut(BaseModel):
    en: str
    zh: str


class BandOut(BaseModel):
    from_: Annotated[float, Field(alias="from", serialization_alias="from")]
    to: float
    color: str
    label: LabelOut


class BandsOut(BaseModel):
    aspirational: list[BandOut]
    committed: list[BandOut]


class RuleSetOut(BaseModel):
    """A version of the tenant's scoring rules (version 0: the built-in default)."""

    version: int
    step: float
    remark_threshold: float
    bands: BandsOut
