"""One-to-one conversations between a person and their manager."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from okr_checkins import keys
from okr_checkins.conversations.commands import StartConversation
from okr_checkins.conversations.domain import (
    Conversation,
    ConversationIndex,
    ConversationNotFound,
)
from okr_checkins.knowledge.handlers import GoalKnowledge
from okr_checkins.knowledge.refusals import confirms_refusals
from okr_checkins.store import CheckinsStore
from okr_checkins.text import check_text
from okr_shared import access_facts
from okr_shared.clock import Clock
from okr_shared.errors import Forbidden, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class ConversationHandlers:
    """Starts conversations, posts messages, reads them for their participants and admins."""

    def __init__(self, store: CheckinsStore, goals: GoalKnowledge, clock: Clock) -> None:
        self.store = store
        self.goals = goals
        self.clock = clock

    def _meta(self, caller: Caller) -> dict[str, Any]:
        return event_meta(caller, self.clock.now())

    @confirms_refusals
    def start_conversation(self, command: StartConversation, caller: Caller) -> Conversation:
        lookup = self.goals.lookup(caller.tenant_id)
        person = lookup("person", command.person_id)
        if person is None or not person.get("active"):
            self.goals.refuse(
                UnknownReference("#/person_id", f"unknown person {command.person_id}")
            )
        manager_id = command.manager_id or person.get("manager_id")
        if not manager_id or manager_id not in access_facts.manager_chain(
            lookup, command.person_id
        ):
            self.goals.refuse(
                UnknownReference(
                    "#/manager_id", f"{manager_id} is not a manager of {command.person_id}"
                )
            )
        if caller.actor_id not in (command.person_id, manager_id) and not caller.is_admin:
            raise Forbidden("#/person_id", "one-to-one conversations are started by one of the two")
        conversation = Conversation.start(
            uuid.uuid4(),
            caller.tenant_id,
            command.person_id,
            manager_id,
            command.topic,
            self._meta(caller),
        )
        indexes = [self._index(caller.tenant_id, p) for p in conversation.participants]
        for index in indexes:
            index.add(str(conversation.id))
        self.store.save_or_conflict(conversation, *indexes)
        return conversation

    def _index(self, tenant_id: str, person_id: str) -> ConversationIndex:
        uid = keys.conversation_index_uuid(tenant_id, person_id)
        return self.store.find(ConversationIndex, uid, tenant_id) or ConversationIndex.open(
            uid, tenant_id, person_id
        )

    def conversations_of(self, caller: Caller, person_id: str | None) -> list[Conversation]:
        """The conversations a person takes part in, newest first: one's own, or anyone's for
        admins."""
        person_id = person_id or caller.actor_id
        if person_id != caller.actor_id and not caller.is_admin:
            raise Forbidden("query:person_id", "only admins list another person's conversations")
        index = self.store.find(
            ConversationIndex,
            keys.conversation_index_uuid(caller.tenant_id, person_id),
            caller.tenant_id,
        )
        found = (
            self.store.find(Conversation, UUID(c), caller.tenant_id)
            for c in reversed(index.conversation_ids if index else [])
        )
        return [c for c in found if c is not None]

    def conversation(self, caller: Caller, conversation_id: str) -> Conversation:
        try:
            uid = UUID(conversation_id)
        except ValueError:
            raise ConversationNotFound(conversation_id) from None
        conversation = self.store.find(Conversation, uid, caller.tenant_id)
        if conversation is None or (
            caller.actor_id not in conversation.participants and not caller.is_admin
        ):
            raise ConversationNotFound(conversation_id)
        return conversation

    def post_message(self, caller: Caller, conversation_id: str, text: str) -> Conversation:
        conversation = self.conversation(caller, conversation_id)
        check_text(text)
        sealed = self.store.personal.seal(caller.tenant_id, caller.actor_id, text)
        conversation.post(str(uuid.uuid4()), caller.actor_id, sealed, self._meta(caller))
        self.store.save_or_conflict(conversation)
        return conversation
