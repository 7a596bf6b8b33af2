"""Request and response bodies of check-ins, corrections and bitemporal reads."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from okr_checkins.check_ins.commands import Report
from okr_checkins.schemas import Body, Key, Part
from okr_shared.contracts.vocabulary import CONFIDENCE_BANDS
from okr_shared.web import require_offset


class NoteIn(Body):
    progress: Part = ""
    plans: Part = ""
    problems: Part = ""


class ReportIn(Body):
    """A value is a number, or true/false for a milestone; the kind of the key result decides
    which."""

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
    confidence_band: Literal[CONFIDENCE_BANDS]
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


class ValueOut(BaseModel):
    key_result_id: str
    effective_at: datetime | None
    known_at: datetime | None
    check_in: CheckInOut | None
    value: Value
    progress: float


def report_from(body: ReportIn) -> Report:
    """The command's report from a request body."""
    return Report(
        value=body.value,
        confidence=body.confidence,
        note=body.note.model_dump(),
        blockers=tuple(body.blockers),
        effective_at=require_offset(body.effective_at, "effective_at"),
    )
