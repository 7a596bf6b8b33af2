"""One-to-one conversations between a person and their manager, and feedback on goals."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.errors import Forbidden, InvalidField

FEEDBACK_KINDS = ("praise", "suggestion", "concern")


def _check_text(text: str, pointer: str = "#/text") -> None:
    if not 1 <= len(text.strip()) <= 4000:
        raise InvalidField(pointer, "must be 1 to 4000 characters")


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
        _check_text(text)
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


class FeedbackThread(Aggregate):
    """Praise, suggestions and concerns on one objective and its key results."""

    @event("Opened")
    def __init__(self, tenant_id: str, objective_id: str) -> None:
        self.tenant_id = tenant_id
        self.objective_id = objective_id
        self.items: list[dict[str, Any]] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, objective_id: str) -> FeedbackThread:
        return cls._create(
            cls.Opened, id=aggregate_id, tenant_id=tenant_id, objective_id=objective_id
        )

    def give(
        self,
        feedback_id: str,
        key_result_id: str | None,
        kind: str,
        text: str,
        author_id: str,
        meta: dict[str, Any],
    ) -> None:
        if kind not in FEEDBACK_KINDS:
            raise InvalidField("#/kind", f"must be one of {', '.join(FEEDBACK_KINDS)}")
        _check_text(text)
        self._given(
            feedback_id=feedback_id,
            objective_id=self.objective_id,
            key_result_id=key_result_id,
            kind=kind,
            text=text,
            author_id=author_id,
            meta=meta,
        )

    @event("Given")
    def _given(
        self,
        feedback_id: str,
        objective_id: str,
        key_result_id: str | None,
        kind: str,
        text: str,
        author_id: str,
        meta: dict[str, Any],
    ) -> None:
        self.items = [
            *self.items,
            {
                "feedback_id": feedback_id,
                "key_result_id": key_result_id,
                "kind": kind,
                "text": text,
                "author_id": author_id,
                "given_at": meta.get("at"),
            },
        ]
