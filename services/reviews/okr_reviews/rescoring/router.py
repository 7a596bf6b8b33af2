"""HTTP routes of re-scoring: a cycle under other rules, its scores as of an instant, and the
adoption of another rule version."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from okr_reviews.rescoring.commands import AdoptRules, Rescore
from okr_reviews.rescoring.handlers import RescoringHandlers
from okr_reviews.rescoring.schemas import AdoptIn, RescoreIn, RescoreOut, ScoresOut
from okr_reviews.reviews.schemas import ReviewsOut, review_out
from okr_reviews.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, require_offset

router = APIRouter(prefix="/v1", tags=["re-scoring"])


def rescoring_handlers(request: Request) -> RescoringHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.rescoring


Rescoring = Annotated[RescoringHandlers, Depends(rescoring_handlers)]


@router.post("/cycles/{cycle_id}/rescore", responses={**NOT_KNOWN_YET, **problems(404)})
async def rescore(
    cycle_id: str, body: RescoreIn, caller: CurrentCaller, handlers: Rescoring
) -> RescoreOut:
    """What the bands, objective scores and distribution of the reviews you may read would be
    under another rule version or a draft rule set, beside the bound ones; nothing is stored.
    Scores people gave stay as given (they are judgements); suggestions and bands follow the
    rules."""
    rules = body.rules.as_rules() if body.rules is not None else None
    command = Rescore(cycle_id, body.rule_version, rules, body.as_of)
    return RescoreOut.model_validate(await call(handlers.rescore, command, caller))


@router.get("/cycles/{cycle_id}/scores", responses={**NOT_KNOWN_YET, **problems(404)})
async def scores_as_of(
    cycle_id: str,
    caller: CurrentCaller,
    handlers: Rescoring,
    as_of: Annotated[
        datetime | None, Query(description="An RFC 3339 date-time with offset; now if absent")
    ] = None,
) -> ScoresOut:
    """Each review you may read as it stood at `as_of`: score, band, finalised or not; reviews
    opened later are absent."""
    at = require_offset(as_of, "as_of")
    return ScoresOut.model_validate(await call(handlers.scores_as_of, caller, cycle_id, at))


@router.post(
    "/cycles/{cycle_id}/rescore/adopt", responses={**NOT_KNOWN_YET, **problems(403, 404, 409)}
)
async def adopt(
    cycle_id: str, body: AdoptIn, caller: CurrentCaller, handlers: Rescoring
) -> ReviewsOut:
    """Re-binds every review of the cycle to an existing rule version (admins only, with a
    reason), while it grades or after finalisation: new suggestions under its step, bands under
    its rules, scores people gave kept; one `ReviewRescored` per review."""
    command = AdoptRules(cycle_id, body.rule_version, body.reason)
    found = await call(handlers.adopt, command, caller)
    return ReviewsOut(items=[review_out(r) for r in found])
