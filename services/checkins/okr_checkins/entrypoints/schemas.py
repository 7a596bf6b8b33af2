"""Request and response bodies of the check-in HTTP API."""

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
    blockers: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=500)]], Field(max_length=20)
    ] = []
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


Value = Annotated[bool | float | None, Field(description="A number, or true/false for a milestone")]


class NoteOut(BaseModel):
    progress: str = ""
    plans: str = ""
    problems: str = ""


class CheckInOut(BaseModel):
    """A recorded check-in; a correction names the check-in it `corrects`."""

    check_in_id: str
    key_result_id: str
    objective_id: str
    value: Value
    confidence: int
    confidence_band: Literal["on_track", "at_risk", "off_track"]
    note: NoteOut
    blockers: list[str]
    effective_at: datetime
    recorded_at: datetime
    actor_id: str
    corrects: str | None = None
    reason: str | None = None
    source: str = "manual"
    source_key: str | None = None


class CheckInKnownOut(CheckInOut):
    replaced_by: str | None = None


class CheckInsOut(BaseModel):
    items: list[CheckInKnownOut]


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


class ValueOut(BaseModel):
    key_result_id: str
    effective_at: datetime | None
    known_at: datetime | None
    check_in: CheckInOut | None
    value: Value
    progress: float


class CadenceOut(BaseModel):
    scope: str
    org_unit_id: str | None = None
    cadence: Literal["weekly", "biweekly", "monthly"]


class MessageOut(BaseModel):
    message_id: str
    author_id: str
    text: str
    posted_at: datetime | None


class ConversationOut(BaseModel):
    conversation_id: str
    person_id: str
    manager_id: str
    topic: str
    messages: list[MessageOut]
    version: int


class FeedbackOut(BaseModel):
    feedback_id: str
    key_result_id: str | None
    kind: Literal["praise", "suggestion", "concern"]
    text: str
    author_id: str
    given_at: datetime | None


class FeedbackListOut(BaseModel):
    items: list[FeedbackOut]
