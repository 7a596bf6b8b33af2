"""Request and response bodies of feedback on goals."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from okr_checkins.schemas import Body, Key, Text
from okr_shared.contracts.vocabulary import FEEDBACK_KINDS

FeedbackKind = Literal[FEEDBACK_KINDS]


class FeedbackIn(Body):
    kind: FeedbackKind
    text: Text
    key_result_id: Key | None = None


class FeedbackOut(BaseModel):
    feedback_id: str
    key_result_id: str | None
    kind: FeedbackKind
    text: str
    author_id: str
    given_at: datetime | None


class FeedbackListOut(BaseModel):
    items: list[FeedbackOut]
