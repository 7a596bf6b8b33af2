"""HTTP routes of awards: binding a policy to a cycle, dry runs, a person's ledger and an
award's evidence."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from okr_incentives.awards.commands import BindPolicy, Simulate
from okr_incentives.awards.handlers import AwardHandlers
from okr_incentives.awards.schemas import (
    BindIn,
    BindingOut,
    ChainOut,
    LedgerOut,
    SimulationOut,
    binding_out,
)
from okr_incentives.policies.router import PolicyId
from okr_incentives.schemas import NOT_KNOWN_YET
from okr_shared.api_models import MAX_VERSION, problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["awards"])
CycleId = Annotated[str, Query(min_length=1, max_length=100)]


def award_handlers(request: Request) -> AwardHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.awards


Awards = Annotated[AwardHandlers, Depends(award_handlers)]


@router.post("/cycles/{cycle_id}/policy", responses={**NOT_KNOWN_YET, **problems(403, 404, 409)})
async def bind_policy(
    cycle_id: str, body: BindIn, caller: CurrentCaller, handlers: Awards
) -> BindingOut:
    """Binds a policy version to the cycle (admins only) once every graded objective of the cycle
    has a finalised review, and grants the awards; binding the same version again changes
    nothing, another version is refused (409)."""
    command = BindPolicy(cycle_id, body.policy_id, body.policy_version, body.reason)
    return binding_out(await call(handlers.bind, command, caller))


@router.get("/cycles/{cycle_id}/policy", responses=problems(404))
async def bound_policy(cycle_id: str, caller: CurrentCaller, handlers: Awards) -> BindingOut:
    """The policy version bound to the cycle."""
    return binding_out(await call(handlers.binding, caller, cycle_id))


@router.post(
    "/policies/{policy_id}/simulate",
    tags=["reward policies"],
    responses={**NOT_KNOWN_YET, **problems(403, 404)},
)
async def simulate(
    policy_id: PolicyId,
    cycle_id: CycleId,
    caller: CurrentCaller,
    handlers: Awards,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> SimulationOut:
    """A dry run (admins and auditors): what the policy version (the current one by default)
    would award in the cycle, by person and unit, from the reviews finalised so far. Stores
    nothing."""
    command = Simulate(policy_id, cycle_id, version)
    return SimulationOut.model_validate(await call(handlers.simulate, command, caller))


@router.get("/people/{person_id}/awards", responses={**NOT_KNOWN_YET, **problems(403)})
async def ledger(person_id: str, caller: CurrentCaller, handlers: Awards) -> LedgerOut:
    """A person's ledger and balance: for the person, their managers, admins and auditors."""
    return LedgerOut.model_validate(await call(handlers.ledger, caller, person_id))


@router.get("/awards/{award_id}/evidence", responses={**NOT_KNOWN_YET, **problems(404)})
async def evidence(award_id: str, caller: CurrentCaller, handlers: Awards) -> ChainOut:
    """An award's chain of evidence: the review events, the policy version and the inputs of each
    entry, each recomputed."""
    return ChainOut.model_validate(await call(handlers.evidence, caller, award_id))
