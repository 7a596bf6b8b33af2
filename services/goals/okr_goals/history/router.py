"""History and time-travel routes: an objective's audit trail, a cycle's alignment tree as of any
time; every read through them is recorded in the auditor read log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from okr_goals.deps import History
from okr_goals.history.schemas import HistoryEntryOut, TreeOut, history_entry
from okr_shared.api_models import problems
from okr_shared.audit.router import RecordedRead
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, require_offset

router = APIRouter()


@router.get(
    "/v1/objectives/{objective_id}/history",
    tags=["objectives"],
    response_model=list[HistoryEntryOut],
    responses=problems(404),
    dependencies=[RecordedRead],
)
async def get_history(
    objective_id: str, caller: CurrentCaller, history: History
) -> list[HistoryEntryOut]:
    """Every change of the objective: what, who, when and why."""
    events = await call(history.history, caller, objective_id)
    return [history_entry(e) for e in events]


@router.get(
    "/v1/cycles/{cycle_id}/tree",
    tags=["cycles"],
    responses=problems(404),
    dependencies=[RecordedRead],
)
async def alignment_tree(
    cycle_id: str,
    caller: CurrentCaller,
    history: History,
    as_of: Annotated[
        datetime | None, Query(description="An ISO 8601 time with offset; now if absent")
    ] = None,
    org_unit_id: Annotated[str | None, Query(max_length=100)] = None,
) -> TreeOut:
    """The cycle's alignment tree (optionally one org unit and below) as it stood at `as_of`, from
    events."""
    return await call(
        history.alignment_tree, caller, cycle_id, require_offset(as_of, "as_of"), org_unit_id
    )
