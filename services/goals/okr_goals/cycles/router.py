"""Cycle routes: plan, advance, roll over, and the alignment tree as of any time."""

from __future__ import annotations

from fastapi import APIRouter, Response

from okr_goals.cycles.commands import AdvanceCycle, PlanCycle
from okr_goals.cycles.schemas import CycleIn, CycleOut, CyclesOut, CycleStateIn, cycle_view
from okr_goals.deps import Cycles
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1/cycles", tags=["cycles"])


@router.post(
    "",
    status_code=201,
    responses={
        200: {"model": CycleOut, "description": "The same cycle was planned before"},
        **problems(403, 409),
    },
)
async def plan_cycle(
    body: CycleIn, response: Response, caller: CurrentCaller, cycles: Cycles
) -> CycleOut:
    """Plans a cycle (admins); the same request again answers 200."""
    command = PlanCycle(body.cycle_id, body.name, body.cadence, body.starts_on, body.ends_on)
    cycle, created = await call(cycles.plan_cycle, command, caller)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/cycles/{cycle.cycle_id}"
    return cycle_view(cycle)


@router.get("")
async def list_cycles(caller: CurrentCaller, cycles: Cycles) -> CyclesOut:
    """The tenant's cycles."""
    cycles = await call(cycles.list_cycles, caller.tenant_id)
    return CyclesOut(items=[cycle_view(c) for c in cycles])


@router.get("/{cycle_id}", responses=problems(404))
async def get_cycle(cycle_id: str, caller: CurrentCaller, cycles: Cycles) -> CycleOut:
    return cycle_view(await call(cycles.get_cycle, caller.tenant_id, cycle_id))


@router.post("/{cycle_id}/state", responses=problems(403, 404, 409))
async def advance_cycle(
    cycle_id: str, body: CycleStateIn, caller: CurrentCaller, cycles: Cycles
) -> CycleOut:
    """Moves the cycle to its next state (admins): planning, active, grading, closed."""
    cycle = await call(
        cycles.advance_cycle, AdvanceCycle(cycle_id, body.state, body.reason), caller
    )
    return cycle_view(cycle)
