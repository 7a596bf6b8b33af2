"""HTTP API of the check-in service; the goal-knowledge consumer, the outbox relay and the reminder
scheduler run beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response

from okr_checkins.application.commands import (
    CorrectCheckIn,
    FeedItem,
    GiveFeedback,
    RecordCheckIn,
    Report,
    SetCadence,
    StartConversation,
)
from okr_checkins.application.service import CheckinsApplication
from okr_checkins.bootstrap import CheckinsContainer
from okr_checkins.entrypoints.schemas import (
    CadenceIn,
    CadenceOut,
    CheckInIn,
    CheckInOut,
    CheckInsOut,
    ConversationIn,
    ConversationOut,
    CorrectionIn,
    FeedbackIn,
    FeedbackListOut,
    FeedbackOut,
    FeedIn,
    FeedOut,
    MessageIn,
    ReportIn,
    ValueOut,
)
from okr_shared.api_models import problem_response, problems
from okr_shared.health import (
    consumer_check,
    event_store_probe,
    kafka_check,
    stop_seconds,
    stop_within,
)
from okr_shared.messaging import CHECKINS_TOPIC, ensure_topics
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, create_app, require_offset

router = APIRouter(prefix="/v1", tags=["check-ins"])

NOT_KNOWN_YET: dict[int | str, dict[str, Any]] = {
    503: {
        **problem_response(503),
        "description": "Not known yet (problem type not-known-yet): the refusal would rest on goal "
        "knowledge this service may not have learned yet; retry after Retry-After",
        "headers": {
            "Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}
        },
    }
}


def application(request: Request) -> CheckinsApplication:
    return request.app.state.container.application


App = Annotated[CheckinsApplication, Depends(application)]


def _report(body: ReportIn) -> Report:
    return Report(
        value=body.value,
        confidence=body.confidence,
        note=body.note.model_dump(),
        blockers=tuple(body.blockers),
        effective_at=require_offset(body.effective_at, "effective_at"),
    )


@router.post("/check-ins", status_code=201, responses={**NOT_KNOWN_YET, **problems(403, 409)})
async def record_check_in(body: CheckInIn, caller: CurrentCaller, app: App) -> CheckInOut:
    """Reports a key result's value and confidence, now or back-dated within the cycle."""
    return await call(app.record_check_in, RecordCheckIn(body.key_result_id, _report(body)), caller)


@router.post(
    "/corrections", status_code=201, responses={**NOT_KNOWN_YET, **problems(403, 404, 409)}
)
async def correct_check_in(body: CorrectionIn, caller: CurrentCaller, app: App) -> CheckInOut:
    """Corrects an earlier check-in with a new one; what was known before stays readable."""
    command = CorrectCheckIn(body.key_result_id, body.corrects, _report(body), body.reason)
    return await call(app.correct_check_in, command, caller)


@router.post(
    "/integrations/check-ins",
    responses={
        207: {"model": FeedOut, "description": "Some items were rejected; each result says why"},
        **problems(403),
    },
)
async def feed(body: FeedIn, response: Response, caller: CurrentCaller, app: App) -> FeedOut:
    """A batch of values from another system; each item has its own idempotency key and result."""
    items = [FeedItem(i.idempotency_key, i.key_result_id, _report(i)) for i in body.items]
    results = await call(app.feed, items, caller)
    if any(r.status == "rejected" for r in results):
        response.status_code = 207
    return FeedOut.model_validate({"items": [r.__dict__ for r in results]})


@router.get(
    "/key-results/{key_result_id}/check-ins", responses={**NOT_KNOWN_YET, **problems(403, 404)}
)
async def history(
    key_result_id: str,
    caller: CurrentCaller,
    app: App,
    known_at: Annotated[datetime | None, Query()] = None,
) -> CheckInsOut:
    """The check-ins of a key result as known at `known_at` (now by default), corrections marked."""
    items = await call(app.history, caller, key_result_id, require_offset(known_at, "known_at"))
    return CheckInsOut.model_validate({"items": items})


@router.get("/key-results/{key_result_id}/value", responses={**NOT_KNOWN_YET, **problems(403, 404)})
async def value(
    key_result_id: str,
    caller: CurrentCaller,
    app: App,
    effective_at: Annotated[datetime | None, Query()] = None,
    known_at: Annotated[datetime | None, Query()] = None,
) -> ValueOut:
    """The value effective at `effective_at`, as the platform knew it at `known_at` (both default to now)."""
    return await call(
        app.value,
        caller,
        key_result_id,
        require_offset(effective_at, "effective_at"),
        require_offset(known_at, "known_at"),
    )


@router.put("/cadences/tenant", responses=problems(403))
async def set_tenant_cadence(body: CadenceIn, caller: CurrentCaller, app: App) -> CadenceOut:
    """Sets the tenant's check-in cadence (admins)."""
    cadence = await call(app.set_cadence, SetCadence(body.cadence, None, body.reason), caller)
    return CadenceOut(scope=cadence.scope, cadence=cadence.cadence)


@router.put("/cadences/org-units/{org_unit_id}", responses={**NOT_KNOWN_YET, **problems(403)})
async def set_unit_cadence(
    org_unit_id: str, body: CadenceIn, caller: CurrentCaller, app: App
) -> CadenceOut:
    """Sets the cadence of an org unit and the units below it (admins)."""
    cadence = await call(
        app.set_cadence, SetCadence(body.cadence, org_unit_id, body.reason), caller
    )
    return CadenceOut(scope=cadence.scope, org_unit_id=cadence.org_unit_id, cadence=cadence.cadence)


def _conversation(c: Any) -> ConversationOut:
    return ConversationOut.model_validate(
        {
            "conversation_id": str(c.id),
            "person_id": c.person_id,
            "manager_id": c.manager_id,
            "topic": c.topic,
            "messages": c.messages,
            "version": c.version,
        }
    )


@router.post("/conversations", status_code=201, responses={**NOT_KNOWN_YET, **problems(403)})
async def start_conversation(
    body: ConversationIn, caller: CurrentCaller, app: App
) -> ConversationOut:
    """Starts a one-to-one thread between a person and their manager."""
    command = StartConversation(body.person_id, body.topic, body.manager_id)
    return _conversation(await call(app.start_conversation, command, caller))


@router.get("/conversations/{conversation_id}", responses=problems(404))
async def get_conversation(
    conversation_id: str, caller: CurrentCaller, app: App
) -> ConversationOut:
    """A one-to-one thread, for its two participants and admins."""
    return _conversation(await call(app.conversation, caller, conversation_id))


@router.post(
    "/conversations/{conversation_id}/messages", status_code=201, responses=problems(403, 404)
)
async def post_message(
    conversation_id: str, body: MessageIn, caller: CurrentCaller, app: App
) -> ConversationOut:
    """Adds a message to the thread."""
    return _conversation(await call(app.post_message, caller, conversation_id, body.text))


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


def create_http_app(container: CheckinsContainer, background: bool = True) -> FastAPI:
    """The check-in service's ASGI app; with `background`, also its consumer, relay and scheduler."""
    settings = container.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks, relay = [], None
        health = app.state.health
        health.add_blocking("event-store", event_store_probe(container.application))
        if background and settings.consume:
            await container.start_consuming()
            health.add("goals-consumer", consumer_check(container.broker))
            health.add("kafka", kafka_check(settings.kafka))
        if background and settings.relay_enabled:
            await ensure_topics(settings.kafka, [settings.kafka.topic(CHECKINS_TOPIC)])
            relay = container.new_relay()
            await relay.publisher.start()
            tasks.append(asyncio.create_task(relay.run(stop), name="outbox-relay"))
            health.add("kafka", kafka_check(settings.kafka))
        if background and settings.reminders_enabled:
            tasks.append(asyncio.create_task(container.remind_forever(stop), name="reminders"))
        for task in tasks:
            health.add_task(task.get_name(), task)
        try:
            yield
        finally:
            stop.set()
            await stop_within("background tasks", asyncio.gather(*tasks), stop_seconds())
            if relay is not None:
                await relay.publisher.stop()
            if background and settings.consume:
                await stop_within("kafka consumer", container.broker.stop(), stop_seconds())

    app = create_app(
        "OKR check-in service",
        "0.1.0",
        "Check-ins with confidence, known and effective times kept apart; reminders, conversations, feedback.",
        verifier=container.verifier,
        routers=[router],
        http=settings.http,
        lifespan=lifespan,
    )
    app.state.container = container
    return app
