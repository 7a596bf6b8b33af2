"""Translates stored check-in events into the published `okr.checkins.v1` contracts (never stored state)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from okr_checkins.domain.cadence import Cadence, ReminderLedger
from okr_checkins.domain.conversations import Conversation, FeedbackThread
from okr_checkins.domain.key_result_log import KeyResultLog
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractRegistry, published
from okr_shared.contracts.guard import PublishedForm

CONTEXT = "checkins"
_EVENT_ID_NAMESPACE = uuid.UUID("7d2a5c1b-9e4f-4b3a-8c6d-2f1e0a9b8c7d")
_CHECK_IN = (
    "check_in_id",
    "objective_id",
    "key_result_id",
    "value",
    "confidence",
    "confidence_band",
    "note",
    "blockers",
    "effective_at",
    "source",
    "source_key",
)
_REMINDER = ("key_result_id", "objective_id", "owner_id", "cadence", "period_start", "period_end")

Mapper = Callable[[Any], tuple[str, dict[str, Any]]]


def _check_in(e: Any) -> tuple[str, dict[str, Any]]:
    data = {k: e.check_in[k] for k in _CHECK_IN}
    if e.check_in.get("corrects"):
        data.update(corrects_check_in_id=e.check_in["corrects"], reason=e.check_in["reason"])
    return e.check_in["key_result_id"], data


def _reminder(e: Any) -> tuple[str, dict[str, Any]]:
    return e.key_result_id, {k: getattr(e, k) for k in _REMINDER}


def _cadence(e: Any) -> tuple[str, dict[str, Any]]:
    return e.org_unit_id or "tenant", {
        "scope": e.scope,
        "org_unit_id": e.org_unit_id,
        "cadence": e.cadence,
        "reason": e.reason,
    }


_MAPPERS: dict[type, tuple[str, Mapper]] = {
    KeyResultLog.Recorded: ("CheckInRecorded", _check_in),
    KeyResultLog.Corrected: ("CheckInCorrected", _check_in),
    ReminderLedger.DueSent: ("CheckInDue", _reminder),
    ReminderLedger.OverdueSent: ("CheckInOverdue", _reminder),
    Cadence.Set: ("CadenceSet", _cadence),
    Cadence.Changed: ("CadenceSet", _cadence),
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
    FeedbackThread.Given: (
        "FeedbackGiven",
        lambda e: (
            e.objective_id,
            {
                "feedback_id": e.feedback_id,
                "objective_id": e.objective_id,
                "key_result_id": e.key_result_id,
                "kind": e.kind,
                "text": e.text,
                "author_id": e.author_id,
            },
        ),
    ),
}


def to_cloud_event(domain_event: Any, registry: ContractRegistry) -> CloudEvent | None:
    """The published form of a stored event, validated against its schema; None for internal events."""
    mapping = _MAPPERS.get(type(domain_event))
    if mapping is None:
        return None
    name, mapper = mapping
    subject, data = mapper(domain_event)
    return published(
        domain_event,
        registry,
        context=CONTEXT,
        name=name,
        subject=subject,
        data=data,
        id_namespace=_EVENT_ID_NAMESPACE,
    )


def published_form(registry: ContractRegistry) -> PublishedForm:
    """The mapping the relay publishes with and the application checks every pending event with."""
    return lambda domain_event, _first: to_cloud_event(domain_event, registry)
