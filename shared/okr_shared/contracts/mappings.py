"""A service's stored events translated into its published contracts, with each feature's
mapping of its events (never stored state)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts.guard import PublishedForm
from okr_shared.contracts.registry import ContractRegistry, published

Mapper = Callable[[Any], tuple[str, dict[str, Any]]]
"""A feature's mapping of one of its stored events: the CloudEvent subject and the contract data."""


@dataclass(frozen=True)
class EventMappings:
    """The features' mappings of a service's events (`mappers`: event class to published name
    and mapper), publishing in `context` with event ids derived in `id_namespace`."""

    context: str
    id_namespace: uuid.UUID
    mappers: dict[type, tuple[str, Mapper]]

    def to_cloud_event(self, domain_event: Any, registry: ContractRegistry) -> CloudEvent | None:
        """The published form of a stored event, validated against its schema; None for internal
        events."""
        mapping = self.mappers.get(type(domain_event))
        if mapping is None:
            return None
        name, mapper = mapping
        subject, data = mapper(domain_event)
        return published(
            domain_event,
            registry,
            context=self.context,
            name=name,
            subject=subject,
            data=data,
            id_namespace=self.id_namespace,
        )

    def published_form(self, registry: ContractRegistry) -> PublishedForm:
        """The mapping the relay publishes with and the application checks every pending event
        with."""
        return lambda domain_event, _first: self.to_cloud_event(domain_event, registry)
