"""HTTP routes of one-to-one conversations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from okr_checkins.conversations.commands import StartConversation
from okr_checkins.conversations.handlers import ConversationHandlers
from okr_checkins.conversations.schemas import (
    ConversationIn,
    ConversationOut,
    ConversationsOut,
    MessageIn,
)
from okr_checkins.schemas import NOT_KNOWN_YET
from okr_shared.api_models import problems
from okr_shared.problems import call
from okr_shared.web import CurrentCaller

router = APIRouter(prefix="/v1", tags=["check-ins"])


def conversations_handlers(request: Request) -> ConversationHandlers:
    """The feature's handlers, built once in `bootstrap`."""
    return request.app.state.container.handlers.conversations


Conversations = Annotated[ConversationHandlers, Depends(conversations_handlers)]


def _conversation(c: Any, handlers: ConversationHandlers) -> ConversationOut:
    """The conversation with its messages' texts opened ("" once the author was erased)."""
    return ConversationOut.model_validate(
        {
            "conversation_id": str(c.id),
            "person_id": c.person_id,
            "manager_id": c.manager_id,
            "topic": c.topic,
            "messages": handlers.store.personal.opened(c.messages),
            "version": c.version,
        }
    )


@router.post("/conversations", status_code=201, responses={**NOT_KNOWN_YET, **problems(403)})
async def start_conversation(
    body: ConversationIn, caller: CurrentCaller, handlers: Conversations
) -> ConversationOut:
    """Starts a one-to-one thread between a person and their manager."""
    command = StartConversation(body.person_id, body.topic, body.manager_id)
    return _conversation(await call(handlers.start_conversation, command, caller), handlers)


@router.get("/conversations", responses=problems(403))
async def list_conversations(
    caller: CurrentCaller,
    handlers: Conversations,
    person_id: Annotated[
        str | None, Query(max_length=100, description="Whose (admins); the caller's by default")
    ] = None,
) -> ConversationsOut:
    """The one-to-one threads a person takes part in, newest first."""
    found = await call(handlers.conversations_of, caller, person_id)
    return ConversationsOut(items=[_conversation(c, handlers) for c in found])


@router.get("/conversations/{conversation_id}", responses=problems(404))
async def get_conversation(
    conversation_id: str, caller: CurrentCaller, handlers: Conversations
) -> ConversationOut:
    """A one-to-one thread, for its two participants and admins."""
    return _conversation(await call(handlers.conversation, caller, conversation_id), handlers)


@router.post(
    "/conversations/{conversation_id}/messages", status_code=201, responses=problems(403, 404)
)
async def post_message(
    conversation_id: str, body: MessageIn, caller: CurrentCaller, handlers: Conversations
) -> ConversationOut:
    """Adds a message to the thread."""
    return _conversation(
        await call(handlers.post_message, caller, conversation_id, body.text), handlers
    )
