"""Translates stored check-in events into the published `okr.checkins.v1` contracts (never stored
state), with each feature's mapping of its events."""

from __future__ import annotations

import uuid
from typing import Any

from okr_checkins.cadences.contracts import MAPPERS as CADENCES
from okr_checkins.check_ins.contracts import MAPPERS as CHECK_INS
from okr_checkins.conversations.contracts import MAPPERS as CONVERSATIONS
from okr_checkins.feedback.contracts import MAPPERS as FEEDBACK
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractRegistry, published
from okr_shared.contracts.guard import PublishedForm

CONTEXT = "checkins"
_EVENT_ID_NAMESPACE = uuid.UUID("7d2a5c1b-9e4f-4b3a-8c6d-2f1e0a9b8c7d")
_MAPPERS = {**CHECK_INS, **CADENCES, **CONVERSATIONS, **FEEDBACK}


def to_cloud_event(domain_event: Any, registry: ContractRegistry) -> CloudEvent | None:
    """The published form of a stored event, validated against its schema; None for internal
    events."""
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
