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
from okr_shared.contracts import ContractRegistry
from okr_shared.contracts.guard import PublishedForm
from okr_shared.contracts.mappings import EventMappings

CONTEXT = "checkins"
MAPPINGS = EventMappings(
    CONTEXT,
    uuid.UUID("7d2a5c1b-9e4f-4b3a-8c6d-2f1e0a9b8c7d"),
    {**CHECK_INS, **CADENCES, **CONVERSATIONS, **FEEDBACK},
)


def to_cloud_event(domain_event: Any, registry: ContractRegistry) -> CloudEvent | None:
    """The published form of a stored event, validated against its schema; None for internal
    events."""
    return MAPPINGS.to_cloud_event(domain_event, registry)


def published_form(registry: ContractRegistry) -> PublishedForm:
    """The mapping the relay publishes with and the application checks every pending event with."""
    return MAPPINGS.published_form(registry)
