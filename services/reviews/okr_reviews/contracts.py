"""Translates stored review events into the published `okr.reviews.v1` contracts (never stored
state), with each feature's mapping of its events."""

from __future__ import annotations

import uuid
from typing import Any

from okr_reviews.calibration.contracts import MAPPERS as CALIBRATION
from okr_reviews.reminders.contracts import MAPPERS as REMINDERS
from okr_reviews.rescoring.contracts import MAPPERS as RESCORING
from okr_reviews.retrospectives.contracts import MAPPERS as RETROSPECTIVES
from okr_reviews.reviews.contracts import MAPPERS as REVIEWS
from okr_reviews.rules.contracts import MAPPERS as RULES
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractRegistry
from okr_shared.contracts.guard import PublishedForm
from okr_shared.contracts.mappings import EventMappings

CONTEXT = "reviews"
MAPPINGS = EventMappings(
    CONTEXT,
    uuid.UUID("3b8e6f2a-1c4d-4e7a-9b5f-6d2c8a0e4f17"),
    {**RULES, **REVIEWS, **RETROSPECTIVES, **CALIBRATION, **RESCORING, **REMINDERS},
)


def to_cloud_event(domain_event: Any, registry: ContractRegistry) -> CloudEvent | None:
    """The published form of a stored event, validated against its schema; None for internal
    events."""
    return MAPPINGS.to_cloud_event(domain_event, registry)


def published_form(registry: ContractRegistry) -> PublishedForm:
    """The mapping the relay publishes with and the application checks every pending event with."""
    return MAPPINGS.published_form(registry)
