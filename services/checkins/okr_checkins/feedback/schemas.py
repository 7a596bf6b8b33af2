"""Request and response bodies of feedback on goals."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from okr_checkins.schemas import Body, Key, Text


class FeedbackIn(Body):
    kind: Literal["praise", "suggestion", "concern"]
    text: Text
    key_result_id: Key | None = None


class FeedbackOut(BaseModel):
    feedback_id: str
    key_result_id: str | None
    kind: Literal["praise", "suggestion", "concern"]
    text: str
    author_id: str
    given_at: datetime | None


class FeedbackListOut(BaseModel):
    items: list[FeedbackOut]
