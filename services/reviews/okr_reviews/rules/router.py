"""HTTP routes of scoring rules."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from okr_reviews.rules.commands import SetScoringRules
from okr_reviews.rules.handlers import RuleHandlers
from okr_reviews.rules.schemas import RuleSetIn, RuleSetOut
from okr_shared.api_models import MAX_VERSION, problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["scoring rules"])


def rule_handlers(request: Request) -> RuleHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.rules


Rules = Annotated[RuleHandlers, Depends(rule_handlers)]


@router.get("/scoring-rules")
async def current_rules(caller: CurrentCaller, handlers: Rules) -> RuleSetOut:
    """The scoring rules in force in the caller's tenant."""
    return RuleSetOut.model_validate(await call(handlers.rules, caller))


@router.get("/scoring-rules/{version}", responses=problems(404))
async def rules_version(
    version: Annotated[int, Path(ge=0, le=MAX_VERSION)], caller: CurrentCaller, handlers: Rules
) -> RuleSetOut:
    """A version of the tenant's scoring rules (0: the built-in default)."""
    return RuleSetOut.model_validate(await call(handlers.rules, caller, version))


@router.put("/scoring-rules", responses=problems(403, 409))
async def set_rules(body: RuleSetIn, caller: CurrentCaller, handlers: Rules) -> RuleSetOut:
    """Sets a new version of the tenant's scoring rules (admins only); reviews opened before keep
    the version they were bound to."""
    result = await call(handlers.set_rules, SetScoringRules(body.rules(), body.reason), caller)
    return RuleSetOut.model_validate(result)
