"""Request bodies of the check-in HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Key = Annotated[str, Field(min_length=1, max_length=100)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Part = Annotated[str, Field(max_length=4000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class NoteIn(_Body):
    progress: Part = ""
    plans: Part = ""
    problems: Part = ""


class ReportIn(_Body):
    """A value is a number, or true/false for a milestone; the kind of the key result decides which."""

    value: Annotated[Any, Field(description="A number, or true/false for a milestone")]
    confidence: int
    note: NoteIn = NoteIn()
    blockers: Annotated[list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=20)] = []
    effective_at: Annotated[datetime | None, Field(strict=False)] = None


class CheckInIn(ReportIn):
    key_result_id: Key


class CorrectionIn(CheckInIn):
    corrects: Key
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class FeedItemIn(CheckInIn):
    idempotency_key: Annotated[str, Field(min_length=1, max_length=200)]


class FeedIn(_Body):
    items: Annotated[list[FeedItemIn], Field(min_length=1, max_length=1000)]


class CadenceIn(_Body):
    cadence: Literal["weekly", "biweekly", "monthly"]
    reason: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


class ConversationIn(_Body):
    person_id: Key
    manager_id: Key | None = None
    topic: Annotated[str, Field(max_length=200)] = ""


class MessageIn(_Body):
    text: Text


class FeedbackIn(_Body):
    kind: Literal["praise", "suggestion", "concern"]
    text: Text
    key_result_id: Key | None = None
