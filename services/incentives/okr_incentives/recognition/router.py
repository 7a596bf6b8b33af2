"""HTTP routes of recognition: settings, kudos, nominations and decisions, a person's
recognition."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from okr_incentives.recognition.commands import (
    Decide,
    GiveKudos,
    Nominate,
    SetRecognitionSettings,
)
from okr_incentives.recognition.handlers import RecognitionHandlers
from okr_incentives.recognition.schemas import (
    DecisionIn,
    KudosIn,
    KudosOut,
    NominationIn,
    NominationOut,
    NominationsOut,
    RecognitionOut,
    SettingsIn,
    SettingsOut,
)
from okr_incentives.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["recognition"])
Id = Annotated[str, Path(min_length=1, max_length=100)]


def recognition_handlers(request: Request) -> RecognitionHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.recognition


Recognition = Annotated[RecognitionHandlers, Depends(recognition_handlers)]


@router.get("/recognition/settings")
async def settings(caller: CurrentCaller, handlers: Recognition) -> SettingsOut:
    """The tenant's recognition settings (the defaults until an admin sets them)."""
    return SettingsOut.model_validate(await call(handlers.settings, caller))


@router.put("/recognition/settings", responses=problems(403, 409))
async def set_settings(
    body: SettingsIn, caller: CurrentCaller, handlers: Recognition
) -> SettingsOut:
    """Sets a new version of the tenant's recognition settings (admins only)."""
    command = SetRecognitionSettings(body.model_dump(exclude={"reason"}), body.reason)
    return SettingsOut.model_validate(await call(handlers.set_settings, command, caller))


@router.post("/kudos", status_code=201, responses={**NOT_KNOWN_YET, **problems(403, 409)})
async def give_kudos(body: KudosIn, caller: CurrentCaller, handlers: Recognition) -> KudosOut:
    """Kudos from the caller's budget of the goal's cycle, on a goal the caller may read (422 on
    `#/objective_id` otherwise), never to oneself (422 on `#/recipient_id`), within the budget
    (422 on `#/points`). The same `kudos_id` again answers the kudos recorded; with other content
    it is a conflict (409)."""
    command = GiveKudos(
        body.objective_id,
        body.message,
        body.key_result_id,
        body.recipient_id,
        body.points,
        body.kudos_id,
    )
    return KudosOut.model_validate(await call(handlers.give_kudos, command, caller))


@router.get("/people/{person_id}/recognition", responses={**NOT_KNOWN_YET, **problems(404)})
async def recognition_of(
    person_id: Id, caller: CurrentCaller, handlers: Recognition
) -> RecognitionOut:
    """Kudos the person received and gave (only on goals the caller may read), the honours they
    hold and their badges."""
    return RecognitionOut.model_validate(await call(handlers.recognition_of, caller, person_id))


@router.post("/nominations", status_code=201, responses={**NOT_KNOWN_YET, **problems(403, 409)})
async def nominate(
    body: NominationIn, caller: CurrentCaller, handlers: Recognition
) -> NominationOut:
    """Nominates a person or a team for an honour in a cycle: someone above the nominee in the
    manager chain (for a team, above one of its people), or an admin; never oneself or one's own
    team."""
    command = Nominate(
        body.cycle_id,
        body.nominee_type,
        body.nominee_id,
        body.honour,
        body.citation,
        body.nomination_id,
    )
    return NominationOut.model_validate(await call(handlers.nominate, command, caller))


@router.post(
    "/nominations/{nomination_id}/approve",
    responses={**NOT_KNOWN_YET, **problems(403, 404, 409)},
)
async def approve(
    nomination_id: Id, body: DecisionIn, caller: CurrentCaller, handlers: Recognition
) -> NominationOut:
    """Approves a nomination, granting the honour: a leader whose unit is the nominee's unit or
    above, or an admin; never the nominee. Approving again changes nothing; an approval after a
    decline is a conflict (409)."""
    command = Decide(nomination_id, True, body.reason)
    return NominationOut.model_validate(await call(handlers.decide, command, caller))


@router.post(
    "/nominations/{nomination_id}/decline",
    responses={**NOT_KNOWN_YET, **problems(403, 404, 409)},
)
async def decline(
    nomination_id: Id, body: DecisionIn, caller: CurrentCaller, handlers: Recognition
) -> NominationOut:
    """Declines a nomination with a reason (who may: as for approving)."""
    command = Decide(nomination_id, False, body.reason)
    return NominationOut.model_validate(await call(handlers.decide, command, caller))


@router.get("/cycles/{cycle_id}/nominations", responses={**NOT_KNOWN_YET, **problems(404)})
async def nominations(cycle_id: Id, caller: CurrentCaller, handlers: Recognition) -> NominationsOut:
    """The cycle's nominations the caller may see: approved ones for everyone; pending and
    declined ones for their nominator, those who may decide them, admins and auditors."""
    found = await call(handlers.nominations, caller, cycle_id)
    return NominationsOut(cycle_id=cycle_id, nominations=found)
