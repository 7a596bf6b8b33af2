"""Conversation events in their published `okr.checkins.v1` form."""

from __future__ import annotations

from okr_checkins.conversations.domain import Conversation
from okr_shared.contracts.mappings import Mapper

MAPPERS: dict[type, tuple[str, Mapper]] = {
    Conversation.Started: (
        "ConversationStarted",
        lambda e: (
            str(e.originator_id),
            {
                "conversation_id": str(e.originator_id),
                "person_id": e.person_id,
                "manager_id": e.manager_id,
                "topic": e.topic,
            },
        ),
    ),
    Conversation.MessagePosted: (
        "ConversationMessagePosted",
        lambda e: (
            str(e.originator_id),
            {
                "conversation_id": str(e.originator_id),
                "message_id": e.message_id,
                "author_id": e.author_id,
                "text": e.text,
            },
        ),
    ),
}
