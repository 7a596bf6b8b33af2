"""HTTP routes of feedback on goals."""

from __future__ import annotations

from fastapi import APIRouter

from okr_checkins.deps import App
from okr_checkins.feedback.commands import GiveFeedback
from okr_checkins.feedback.schemas import FeedbackIn, FeedbackListOut, FeedbackOut
from okr_checkins.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["check-ins"])


@router.post(
    "/objectives/{objective_id}/feedback",
    status_code=201,
    responses={**NOT_KNOWN_YET, **problems(404)},
)
async def give_feedback(
    objective_id: str, body: FeedbackIn, caller: CurrentCaller, app: App
) -> FeedbackOut:
    """Praise, a suggestion or a concern on an objective or one of its key results."""
    command = GiveFeedback(objective_id, body.kind, body.text, body.key_result_id)
    return await call(app.give_feedback, command, caller)


@router.get("/objectives/{objective_id}/feedback", responses={**NOT_KNOWN_YET, **problems(404)})
async def list_feedback(objective_id: str, caller: CurrentCaller, app: App) -> FeedbackListOut:
    """The feedback on an objective the caller may read."""
    return FeedbackListOut.model_validate({"items": await call(app.feedback, caller, objective_id)})
