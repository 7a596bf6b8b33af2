"""HTTP routes of feedback on goals."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from okr_checkins.feedback.commands import GiveFeedback
from okr_checkins.feedback.handlers import FeedbackHandlers
from okr_checkins.feedback.schemas import FeedbackIn, FeedbackListOut, FeedbackOut
from okr_checkins.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["check-ins"])


def feedback_handlers(request: Request) -> FeedbackHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.feedback


Feedback = Annotated[FeedbackHandlers, Depends(feedback_handlers)]


@router.post(
    "/objectives/{objective_id}/feedback",
    status_code=201,
    responses={**NOT_KNOWN_YET, **problems(404)},
)
async def give_feedback(
    objective_id: str, body: FeedbackIn, caller: CurrentCaller, handlers: Feedback
) -> FeedbackOut:
    """Praise, a suggestion or a concern on an objective or one of its key results."""
    command = GiveFeedback(objective_id, body.kind, body.text, body.key_result_id)
    return await call(handlers.give_feedback, command, caller)


@router.get("/objectives/{objective_id}/feedback", responses={**NOT_KNOWN_YET, **problems(404)})
async def list_feedback(
    objective_id: str, caller: CurrentCaller, handlers: Feedback
) -> FeedbackListOut:
    """The feedback on an objective the caller may read."""
    return FeedbackListOut.model_validate(
        {"items": await call(handlers.feedback, caller, objective_id)}
    )
