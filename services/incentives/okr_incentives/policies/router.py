"""HTTP routes of reward policies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from okr_incentives.policies.commands import SetRewardPolicy
from okr_incentives.policies.handlers import PolicyHandlers
from okr_incentives.policies.schemas import PolicyIn, PolicyOut
from okr_shared.api_models import MAX_VERSION, problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["reward policies"])
PolicyId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]


def policy_handlers(request: Request) -> PolicyHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.policies


Policies = Annotated[PolicyHandlers, Depends(policy_handlers)]


@router.get("/policies/{policy_id}", responses=problems(404))
async def current_policy(
    policy_id: PolicyId, caller: CurrentCaller, handlers: Policies
) -> PolicyOut:
    """The current version of a reward policy of the caller's tenant."""
    return PolicyOut.model_validate(await call(handlers.policy, caller, policy_id))


@router.get("/policies/{policy_id}/versions/{version}", responses=problems(404))
async def policy_version(
    policy_id: PolicyId,
    version: Annotated[int, Path(ge=1, le=MAX_VERSION)],
    caller: CurrentCaller,
    handlers: Policies,
) -> PolicyOut:
    """A version of a reward policy."""
    return PolicyOut.model_validate(await call(handlers.policy, caller, policy_id, version))


@router.put("/policies/{policy_id}", responses=problems(403, 409))
async def set_policy(
    policy_id: PolicyId, body: PolicyIn, caller: CurrentCaller, handlers: Policies
) -> PolicyOut:
    """Sets a new version of a reward policy (admins only); cycles bound to an earlier version
    keep it."""
    command = SetRewardPolicy(policy_id, body.policy(), body.reason)
    return PolicyOut.model_validate(await call(handlers.set_policy, command, caller))
