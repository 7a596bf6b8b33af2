"""Request and response bodies of the goal HTTP API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Level = Literal["company", "department", "team", "individual"]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class KeyResultIn(_Body):
    title: Title
    start: Number
    target: Number
    unit: Annotated[str, Field(max_length=40)] = ""
    weight: Annotated[Number, Field(ge=0, le=1)] = 1.0


class ObjectiveIn(_Body):
    title: Title
    description: Annotated[str, Field(max_length=4000)] = ""
    owner_id: Annotated[str, Field(min_length=1, max_length=200)]
    level: Level
    cycle_id: Annotated[str, Field(min_length=1, max_length=100)]
    key_results: Annotated[list[KeyResultIn], Field(max_length=50)] = []


class AddKeyResultIn(KeyResultIn):
    expected_version: Annotated[int, Field(ge=1)]


class ObjectiveRevisionIn(_Body):
    expected_version: Annotated[int, Field(ge=1)]
    reason: Reason | None = None
    title: Title | None = None
    description: Annotated[str, Field(max_length=4000)] | None = None
    owner_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class KeyResultRevisionIn(_Body):
    expected_version: Annotated[int, Field(ge=1)]
    reason: Reason | None = None
    title: Title | None = None
    start: Number | None = None
    target: Number | None = None
    unit: Annotated[str, Field(max_length=40)] | None = None
    weight: Annotated[Number, Field(ge=0, le=1)] | None = None


class KeyResultOut(BaseModel):
    key_result_id: str
    title: str
    start: float
    target: float
    unit: str
    weight: float


class ObjectiveOut(BaseModel):
    objective_id: str
    tenant_id: str
    title: str
    description: str
    owner_id: str
    level: str
    cycle_id: str
    key_results: list[KeyResultOut]
    version: int
    created_on: datetime
    modified_on: datetime


class HistoryEntryOut(BaseModel):
    version: int
    event: str
    recorded_at: datetime
    actor_id: str
    reason: str | None
    changes: dict
