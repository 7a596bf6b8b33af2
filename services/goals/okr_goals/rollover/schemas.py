"""Request and response bodies of the rollover route."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from okr_goals.objectives.schemas import (
    Key,
    _Body,
)


class RolloverIn(_Body):
    to_cycle_id: Key
    objective_ids: Annotated[list[str], Field(max_length=5000)] | None = None
    exclude_key_result_ids: Annotated[list[str], Field(max_length=5000)] = []


class RolloverOut(BaseModel):
    from_cycle_id: str
    to_cycle_id: str
    copies: Annotated[dict[str, str], Field(description="Objective id to the id of its copy")]
    skipped: Annotated[dict[str, str], Field(description="Objective id to why it was not copied")]
