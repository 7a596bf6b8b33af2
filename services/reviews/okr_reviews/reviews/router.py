"""HTTP routes of reviews: reading them, scoring key results, finalising a cycle's reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from okr_reviews.reviews.commands import FinaliseReview, ScoreKeyResult
from okr_reviews.reviews.domain import MANAGER, SELF
from okr_reviews.reviews.handlers import ReviewHandlers
from okr_reviews.reviews.schemas import (
    FinaliseIn,
    ManagerScoreIn,
    ReviewOut,
    ReviewsOut,
    ScoreIn,
    review_out,
)
from okr_reviews.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["reviews"])
CycleId = Annotated[str, Query(min_length=1, max_length=100)]


def review_handlers(request: Request) -> ReviewHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.reviews


Reviews = Annotated[ReviewHandlers, Depends(review_handlers)]


@router.get("/reviews", responses={**NOT_KNOWN_YET, **problems(404)})
async def reviews_of_cycle(
    cycle_id: CycleId, caller: CurrentCaller, handlers: Reviews
) -> ReviewsOut:
    """The reviews of the cycle's objectives the caller may read."""
    found = await call(handlers.reviews_of_cycle, caller, cycle_id)
    return ReviewsOut(items=[review_out(r) for r in found])


@router.get("/reviews/{review_id}", responses={**NOT_KNOWN_YET, **problems(404)})
async def review(review_id: str, caller: CurrentCaller, handlers: Reviews) -> ReviewOut:
    """A review, if the caller may read its objective."""
    return review_out(await call(handlers.review, caller, review_id))


def _command(review_id: str, key_result_id: str, kind: str, body: ScoreIn) -> ScoreKeyResult:
    return ScoreKeyResult(
        review_id,
        key_result_id,
        kind,
        body.score,
        body.expected_version,
        body.remark,
        body.correction,
        body.reason,
    )


SCORING = {**NOT_KNOWN_YET, **problems(403, 404, 409)}


@router.post("/reviews/{review_id}/key-results/{key_result_id}/self-score", responses=SCORING)
async def self_score(
    review_id: str, key_result_id: str, body: ScoreIn, caller: CurrentCaller, handlers: Reviews
) -> ReviewOut:
    """The key result's owner assesses it; a remark is needed when the score strays from the
    suggestion by more than the rules' threshold."""
    command = _command(review_id, key_result_id, SELF, body)
    return review_out(await call(handlers.score, command, caller))


@router.post("/reviews/{review_id}/key-results/{key_result_id}/manager-score", responses=SCORING)
async def manager_score(
    review_id: str,
    key_result_id: str,
    body: ManagerScoreIn,
    caller: CurrentCaller,
    handlers: Reviews,
) -> ReviewOut:
    """A manager above the key result's owner overrides its score, with a remark."""
    command = _command(review_id, key_result_id, MANAGER, body)
    return review_out(await call(handlers.score, command, caller))


@router.post(
    "/cycles/{cycle_id}/review/finalise", responses={**NOT_KNOWN_YET, **problems(403, 404, 409)}
)
async def finalise(
    cycle_id: str, body: FinaliseIn, caller: CurrentCaller, handlers: Reviews
) -> ReviewsOut:
    """Fixes the final scores of every review of the cycle while it grades (admins only), or with
    `org_unit_id` of that unit and its sub-units (admins, and leaders of that unit or a unit
    above); afterwards a score changes only by an admin's correction with a reason."""
    command = FinaliseReview(cycle_id, body.reason, body.org_unit_id)
    found = await call(handlers.finalise, command, caller)
    return ReviewsOut(items=[review_out(r) for r in found])
