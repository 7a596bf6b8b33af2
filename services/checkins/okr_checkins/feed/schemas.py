"""Request and response bodies of the integration feed."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from okr_checkins.check_ins.schemas import CheckInIn
from okr_checkins.schemas import Body


class FeedItemIn(CheckInIn):
    idempotency_key: Annotated[str, Field(min_length=1, max_length=200)]


class FeedIn(Body):
    items: Annotated[list[FeedItemIn], Field(min_length=1, max_length=1000)]


class ItemProblemOut(BaseModel):
    status: int
    title: str
    pointer: str
    detail: str


class FeedResultOut(BaseModel):
    index: int
    source_key: str
    status: Literal["recorded", "duplicate", "rejected"]
    check_in_id: str | None = None
    problem: ItemProblemOut | None = None


class FeedOut(BaseModel):
    items: list[FeedResultOut]
