"""Translates stored incentive events into the published `okr.incentives.v1` contracts (never
stored state), with each feature's mapping of its events."""

from __future__ import annotations

import uuid
from typing import Any

from okr_incentives.awards.contracts import MAPPERS as AWARDS
from okr_incentives.exports.contracts import MAPPERS as EXPORTS
from okr_incentives.policies.contracts import MAPPERS as POLICIES
from okr_incentives.recognition.contracts import MAPPERS as RECOGNITION
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractRegistry
from okr_shared.contracts.guard import PublishedForm
from okr_shared.contracts.mappings import EventMappings

CONTEXT = "incentives"
MAPPINGS = EventMappings(
    CONTEXT,
    uuid.UUID("c4a1e7d2-6b3f-4f19-8e2a-7d5b9c0f3e81"),
    {**POLICIES, **AWARDS, **EXPORTS, **RECOGNITION},
)


def to_cloud_event(domain_event: Any, registry: ContractRegistry) -> CloudEvent | None:
    """The published form of a stored event, validated against its schema; None for internal
    events."""
    return MAPPINGS.to_cloud_event(domain_event, registry)


def published_form(registry: ContractRegistry) -> PublishedForm:
    """The mapping the relay publishes with and the application checks every pending event with."""
    return MAPPINGS.published_form(registry)
