"""Request and response bodies of recognition; lengths and bounds follow the event contracts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from okr_incentives.recognition.domain import MAX_BUDGET, MAX_HONOURS, MAX_STREAK, MIN_STREAK
from okr_incentives.schemas import Body
from okr_shared.contracts import vocabulary

Key = Annotated[str, Field(min_length=1, max_length=100)]
Uuid = Annotated[str, Field(pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
MESSAGE_LENGTH = vocabulary.field_of("incentives", "KudosGiven", "message")["maxLength"]
NomineeType = Literal[vocabulary.NOMINEE_TYPES]  # type: ignore[valid-type]


class SettingsIn(Body):
    """A new version of the tenant's recognition settings; what is left out takes its default."""

    kudos_budget: Annotated[int, Field(ge=1, le=MAX_BUDGET)] = 10
    honours: Annotated[
        list[Annotated[str, Field(max_length=100)]], Field(max_length=MAX_HONOURS)
    ] = []
    streak_periods: Annotated[int, Field(ge=MIN_STREAK, le=MAX_STREAK)] = 8
    reason: Annotated[str | None, Field(max_length=2000)] = None


class SettingsOut(BaseModel):
    version: int = Field(description="0: never set, the defaults apply")
    kudos_budget: int = Field(description="Points each person may give in kudos per cycle")
    honours: list[str] = Field(description="The tenant's honours; empty: any honour")
    streak_periods: int = Field(description="On-time weekly check-ins in a row for a badge")


class KudosIn(Body):
    """Kudos on an objective (or one of its key results) you may read, for someone answerable for
    it (by default the key result's owner, else the objective's owning person)."""

    objective_id: Uuid
    key_result_id: Uuid | None = None
    recipient_id: Key | None = None
    message: Annotated[str, Field(min_length=1, max_length=MESSAGE_LENGTH)]
    points: Annotated[int, Field(ge=1, le=MAX_BUDGET)] = 1
    kudos_id: Uuid | None = Field(None, description="Chosen by the client so a retry is safe")


class KudosOut(BaseModel):
    kudos_id: str
    cycle_id: str
    giver_id: str
    recipient_id: str
    objective_id: str
    key_result_id: str | None
    points: int
    message: str
    given_at: datetime


class NominationIn(Body):
    cycle_id: Key
    nominee_type: NomineeType
    nominee_id: Key
    honour: Annotated[str, Field(min_length=1, max_length=100)]
    citation: Reason
    nomination_id: Uuid | None = Field(None, description="Chosen by the client so a retry is safe")


class DecisionIn(Body):
    reason: Reason


class NominationOut(BaseModel):
    nomination_id: str
    cycle_id: str
    nominee_type: str
    nominee_id: str
    honour: str
    citation: str
    state: Literal["nominated", "approved", "declined"]
    nominated_by: str
    nominated_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None


class NominationsOut(BaseModel):
    cycle_id: str
    nominations: list[NominationOut]


class BadgeOut(BaseModel):
    badge_id: str
    kind: str
    periods: int
    streak_start: datetime
    streak_end: datetime
    awarded_at: datetime


class RecognitionOut(BaseModel):
    """A person's recognition; kudos only on goals the reader may read."""

    person_id: str
    kudos_received: list[KudosOut]
    kudos_given: list[KudosOut]
    honours: list[NominationOut] = Field(description="Approved nominations of the person")
    badges: list[BadgeOut]
