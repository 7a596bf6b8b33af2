"""Request bodies of the alignment routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from okr_goals.objectives.schemas import (
    ChangeIn,
    Weight,
)


class AlignIn(ChangeIn):
    parent_objective_id: Annotated[str, Field(min_length=1, max_length=100)]
    weight: Weight = 1.0
    note: Annotated[str, Field(max_length=2000)] | None = None


class DecisionIn(ChangeIn):
    decision: Literal["accept", "decline"]
