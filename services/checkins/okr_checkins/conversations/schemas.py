"""Request and response bodies of one-to-one conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from okr_checkins.schemas import Body, Key, Text


class ConversationIn(Body):
    person_id: Key
    manager_id: Key | None = None
    topic: Annotated[str, Field(max_length=200)] = ""


class MessageIn(Body):
    text: Text


class MessageOut(BaseModel):
    message_id: str
    author_id: str
    text: str
    posted_at: datetime | None


class ConversationOut(BaseModel):
    conversation_id: str
    person_id: str
    manager_id: str
    topic: str
    messages: list[MessageOut]
    version: int


class ConversationsOut(BaseModel):
    items: list[ConversationOut]
