"""HTTP routes of rewards: a person's rewards, a cycle's budgets and its fairness report."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Query

from okr_projections.api import Id
from okr_projections.dependencies import RewardsAsked
from okr_projections.rewards.domain import THRESHOLD
from okr_projections.rewards.schemas import BudgetsOut, FairnessOut, PersonRewardsOut
from okr_shared.api_models import problems
from okr_shared.errors import DomainError
from okr_shared.problems import problem_from
from okr_shared.web import CurrentPrincipal

router = APIRouter(prefix="/v1", tags=["rewards"])


async def _answer(asked: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    try:
        return await asked
    except DomainError as exc:
        raise problem_from(exc) from exc


@router.get("/people/{person_id}/rewards", response_model=PersonRewardsOut, responses=problems(403))
async def person_rewards(
    person_id: Id, principal: CurrentPrincipal, rewards: RewardsAsked
) -> dict[str, Any]:
    """The person's award entries per cycle and their balance (the sum of the entries): for
    them, the people above them, admins and auditors."""
    return await _answer(rewards.person_rewards(principal, person_id))


@router.get("/cycles/{cycle_id}/budgets", response_model=BudgetsOut, responses=problems(403, 404))
async def cycle_budgets(
    cycle_id: Id, principal: CurrentPrincipal, rewards: RewardsAsked
) -> dict[str, Any]:
    """Per org unit: the bound policy's budget, the points granted and adjusted, what remains.
    Admins and auditors see every unit, leaders their unit and the units below it."""
    return await _answer(rewards.budgets(principal, cycle_id))


@router.get("/cycles/{cycle_id}/fairness", response_model=FairnessOut, responses=problems(403, 404))
async def cycle_fairness(
    cycle_id: Id,
    principal: CurrentPrincipal,
    rewards: RewardsAsked,
    threshold: Annotated[float, Query(gt=0, le=10)] = THRESHOLD,
) -> dict[str, Any]:
    """The distribution of the cycle's awards (points, multiplier: count, mean, spread) by org
    unit, level, commitment and manager, and each unit's points against what the policy's bands
    predict from its scores compared with the rest, flagged beyond `threshold` (relative). Admins
    and auditors over every unit, leaders over their unit and below."""
    return await _answer(rewards.fairness(principal, cycle_id, threshold))
