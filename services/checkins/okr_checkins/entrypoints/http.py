"""HTTP API of the check-in service; the goal-knowledge consumer, the outbox relay and the reminder
scheduler run beside it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from okr_shared.messaging import CHECKINS_TOPIC, ensure_topics
from okr_shared.problems import call
from okr_shared.web import CurrentCaller, create_app, require_offset

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
    CheckInIn,
    ConversationIn,
    CorrectionIn,
    FeedbackIn,
    FeedIn,
    MessageIn,
    ReportIn,
)

router = APIRouter(prefix="/v1", tags=["check-ins"])


def application(request: Request) -> CheckinsApplication:
    return request.app.state.container.application


App = Annotated[CheckinsApplication, Depends(application)]


def _report(body: ReportIn) -> Report:
    return Report(value=body.value, confidence=body.confidence, note=body.note.model_dump(),
                  blockers=tuple(body.blockers), effective_at=require_offset(body.effective_at, "effective_at"))


@router.post("/check-ins", status_code=201)
async def record_check_in(body: CheckInIn, caller: CurrentCaller, app: App) -> dict[str, Any]:
    """Reports a key result's value and confidence, now or back-dated within the cycle."""
    return await call(app.record_check_in, RecordCheckIn(body.key_result_id, _report(body)), caller)


@router.post("/corrections", status_code=201)
async def correct_check_in(body: CorrectionIn, caller: CurrentCaller, app: App) -> dict[str, Any]:
    """Corrects an earlier check-in with a new one; what was known before stays readable."""
    command = CorrectCheckIn(body.key_result_id, body.corrects, _report(body), body.reason)
    return await call(app.correct_check_in, command, caller)


@router.post("/integrations/check-ins")
async def feed(body: FeedIn, response: Response, caller: CurrentCaller, app: App) -> dict[str, Any]:
    """A batch of values from another system; each item has its own idempotency key and result."""
    items = [FeedItem(i.idempotency_key, i.key_result_id, _report(i)) for i in body.items]
    results = await call(app.feed, items, caller)
    if any(r.status == "rejected" for r in results):
        response.status_code = 207
    return {"items": [r.__dict__ for r in results]}


@router.get("/key-results/{key_result_id}/check-ins")
async def history(key_result_id: str, caller: CurrentCaller, app: App,
                  known_at: Annotated[datetime | None, Query()] = None) -> dict[str, Any]:
    """The check-ins of a key result as known at `known_at` (now by default), corrections marked."""
    items = await call(app.history, caller, key_result_id, require_offset(known_at, "known_at"))
    return {"items": items}


@router.get("/key-results/{key_result_id}/value")
async def value(key_result_id: str, caller: CurrentCaller, app: App,
                effective_at: Annotated[datetime | None, Query()] = None,
                known_at: Annotated[datetime | None, Query()] = None) -> dict[str, Any]:
    """The value effective at `effective_at`, as the platform knew it at `known_at` (both default to now)."""
    return await call(app.value, caller, key_result_id, require_offset(effective_at, "effective_at"),
                      require_offset(known_at, "known_at"))


@router.put("/cadences/tenant")
async def set_tenant_cadence(body: CadenceIn, caller: CurrentCaller, app: App) -> dict[str, Any]:
    cadence = await call(app.set_cadence, SetCadence(body.cadence, None, body.reason), caller)
    return {"scope": cadence.scope, "cadence": cadence.cadence}


@router.put("/cadences/org-units/{org_unit_id}")
async def set_unit_cadence(org_unit_id: str, body: CadenceIn, caller: CurrentCaller, app: App) -> dict[str, Any]:
    cadence = await call(app.set_cadence, SetCadence(body.cadence, org_unit_id, body.reason), caller)
    return {"scope": cadence.scope, "org_unit_id": cadence.org_unit_id, "cadence": cadence.cadence}


def _conversation(c: Any) -> dict[str, Any]:
    return {"conversation_id": str(c.id), "person_id": c.person_id, "manager_id": c.manager_id, "topic": c.topic,
            "messages": c.messages, "version": c.version}


@router.post("/conversations", status_code=201)
async def start_conversation(body: ConversationIn, caller: CurrentCaller, app: App) -> dict[str, Any]:
    """Starts a one-to-one thread between a person and their manager."""
    command = StartConversation(body.person_id, body.topic, body.manager_id)
    return _conversation(await call(app.start_conversation, command, caller))


@router.get("/conversations/{conversation_id}")
async def get_conversation(conversation_id: str, caller: CurrentCaller, app: App) -> dict[str, Any]:
    return _conversation(await call(app.conversation, caller, conversation_id))


@router.post("/conversations/{conversation_id}/messages", status_code=201)
async def post_message(conversation_id: str, body: MessageIn, caller: CurrentCaller, app: App) -> dict[str, Any]:
    return _conversation(await call(app.post_message, caller, conversation_id, body.text))


@router.post("/objectives/{objective_id}/feedback", status_code=201)
async def give_feedback(objective_id: str, body: FeedbackIn, caller: CurrentCaller, app: App) -> dict[str, Any]:
    """Praise, a suggestion or a concern on an objective or one of its key results."""
    command = GiveFeedback(objective_id, body.kind, body.text, body.key_result_id)
    return await call(app.give_feedback, command, caller)


@router.get("/objectives/{objective_id}/feedback")
async def list_feedback(objective_id: str, caller: CurrentCaller, app: App) -> dict[str, Any]:
    return {"items": await call(app.feedback, caller, objective_id)}


def create_http_app(container: CheckinsContainer, background: bool = True) -> FastAPI:
    """The check-in service's ASGI app; with `background`, also its consumer, relay and scheduler."""
    settings = container.settings

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks, relay = [], None
        if background and settings.consume:
            await container.start_consuming()
        if background and settings.relay_enabled:
            await ensure_topics(settings.kafka, [settings.kafka.topic(CHECKINS_TOPIC)])
            relay = container.new_relay()
            await relay.publisher.start()
            tasks.append(asyncio.create_task(relay.run(stop), name="outbox-relay"))
        if background and settings.reminders_enabled:
            tasks.append(asyncio.create_task(container.remind_forever(stop), name="reminders"))
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks)
            if relay is not None:
                await relay.publisher.stop()
            if background and settings.consume:
                await container.broker.stop()

    app = create_app(
        "OKR check-in service", "0.1.0",
        "Check-ins with confidence, known and effective times kept apart; reminders, conversations, feedback.",
        verifier=container.verifier, routers=[router], http=settings.http, lifespan=lifespan,
    )
    app.state.container = container
    return app
