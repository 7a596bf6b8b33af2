"""Response bodies of the open grading read model."""

from __future__ import annotations

from pydantic import BaseModel

from okr_projections.api import ReadModel


class GradingItemOut(ReadModel):
    review_id: str
    cycle_id: str | None = None
    objective_id: str | None = None
    person_id: str | None = None
    role: str | None = None
    key_result_ids: list[str] = []
    open_key_result_ids: list[str] = []
    reminder: str | None = None
    status: str | None = None
    period_start: str | None = None
    period_end: str | None = None
    due_by: str | None = None
    due_at: str | None = None
    overdue_at: str | None = None


class GradingDueOut(BaseModel):
    person_id: str
    items: list[GradingItemOut]
    limit: int
    offset: int
