"""Erasure route: an admin erases a person's personal data on request."""

from __future__ import annotations

from fastapi import APIRouter, Response

from okr_goals.deps import Erasures
from okr_goals.erasure.commands import ErasePersonalData
from okr_goals.erasure.schemas import ErasureIn, ErasureOut, erasure_view
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1/people", tags=["erasure"])


@router.post(
    "/{person_id}/erasure",
    status_code=202,
    responses={
        200: {"model": ErasureOut, "description": "The person had been erased before"},
        **problems(403, 404),
    },
)
async def erase_personal_data(
    person_id: str, body: ErasureIn, response: Response, caller: CurrentCaller, erasures: Erasures
) -> ErasureOut:
    """Erases the person's name, e-mail and texts (admins): 202 while the other services learn
    of it; asking again answers 200 and stores nothing."""
    erasure = await call(erasures.erase, ErasePersonalData(person_id, body.reason), caller)
    response.status_code = 200 if erasure.already_erased else 202
    return erasure_view(erasure)
