"""One-to-one conversations between a person and their manager."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_checkins.text import check_text
from okr_shared.errors import Forbidden, InvalidField, NotFound


class ConversationNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("conversation", key)


class Conversation(Aggregate):
    """A thread only its two participants (and admins) read and write."""

    @event("Started")
    def __init__(
        self, tenant_id: str, person_id: str, manager_id: str, topic: str, meta: dict[str, Any]
    ) -> None:
        self.tenant_id = tenant_id
        self.person_id = person_id
        self.manager_id = manager_id
        self.topic = topic
        self.messages: list[dict[str, Any]] = []

    @classmethod
    def start(
        cls,
        aggregate_id: Any,
        tenant_id: str,
        person_id: str,
        manager_id: str,
        topic: str,
        meta: dict[str, Any],
    ) -> Conversation:
        if person_id == manager_id:
            raise InvalidField("#/manager_id", "a conversation needs two people")
        if len(topic) > 200:
            raise InvalidField("#/topic", "must be at most 200 characters")
        return cls._create(
            cls.Started,
            id=aggregate_id,
            tenant_id=tenant_id,
            person_id=person_id,
            manager_id=manager_id,
            topic=topic,
            meta=meta,
        )

    @property
    def participants(self) -> tuple[str, str]:
        return self.person_id, self.manager_id

    def post(self, message_id: str, author_id: str, text: str, meta: dict[str, Any]) -> None:
        if author_id not in self.participants:
            raise Forbidden("#", "only the two participants write in a conversation")
        check_text(text)
        self._posted(message_id=message_id, author_id=author_id, text=text, meta=meta)

    @event("MessagePosted")
    def _posted(self, message_id: str, author_id: str, text: str, meta: dict[str, Any]) -> None:
        self.messages = [
            *self.messages,
            {
                "message_id": message_id,
                "author_id": author_id,
                "text": text,
                "posted_at": meta.get("at"),
            },
        ]


class ConversationIndex(Aggregate):
    """The conversations one person takes part in, in the order they started (internal, never
    published): saved with each new conversation, so a person's list needs no scan."""

    @event("Opened")
    def __init__(self, tenant_id: str, person_id: str) -> None:
        self.tenant_id = tenant_id
        self.person_id = person_id
        self.conversation_ids: list[str] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, person_id: str) -> ConversationIndex:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id, person_id=person_id)

    def add(self, conversation_id: str) -> None:
        if conversation_id not in self.conversation_ids:
            self._added(conversation_id=conversation_id)

    @event("Added")
    def _added(self, conversation_id: str) -> None:
        self.conversation_ids = [*self.conversation_ids, conversation_id]
