"""Rollover route: unfinished objectives copied into the next cycle."""

from __future__ import annotations

from fastapi import APIRouter

from okr_goals.deps import Rollover
from okr_goals.rollover.commands import RolloverCycle
from okr_goals.rollover.schemas import RolloverIn, RolloverOut
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter()


@router.post("/v1/cycles/{cycle_id}/rollover", tags=["cycles"], responses=problems(403, 404, 409))
async def rollover(
    cycle_id: str, body: RolloverIn, caller: CurrentCaller, rollover: Rollover
) -> RolloverOut:
    """Copies unfinished objectives into the next cycle; the copies record where they came from."""
    command = RolloverCycle(
        cycle_id,
        body.to_cycle_id,
        tuple(body.objective_ids) if body.objective_ids is not None else None,
        tuple(body.exclude_key_result_ids),
    )
    report = await call(rollover.rollover, command, caller)
    return RolloverOut(
        from_cycle_id=cycle_id,
        to_cycle_id=body.to_cycle_id,
        copies=report.copies,
        skipped=report.skipped,
    )
