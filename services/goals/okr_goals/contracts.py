"""Translates stored domain events into the published `okr.goals.v1` contracts (never stored
state)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from okr_goals.alignment import contracts as alignment
from okr_goals.cycles import contracts as cycles
from okr_goals.directory import contracts as directory
from okr_goals.erasure import contracts as erasure
from okr_goals.mapping import Mapper
from okr_goals.objectives import contracts as objectives
from okr_goals.rollover import contracts as rollover
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractRegistry, published
from okr_shared.contracts.guard import PublishedForm

CONTEXT = "goals"
_EVENT_ID_NAMESPACE = uuid.UUID("2b0d7c1e-5f3a-4e8b-a1d4-9c6e0f7b3a52")

_MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    **objectives.MAPPERS,
    **alignment.MAPPERS,
    **rollover.MAPPERS,
    **cycles.MAPPERS,
    **directory.MAPPERS,
    **erasure.MAPPERS,
}


def _subject(kind: str, domain_event: Any, aggregate: Any | None) -> tuple[str, str]:
    """The id field and value naming the aggregate in the published data."""
    if kind == "objective":
        return "objective_id", str(domain_event.originator_id)
    field = f"{kind}_id"
    value = getattr(domain_event, field, None) or getattr(aggregate, field, None)
    if value is None:
        raise ValueError(f"cannot name the {kind} of event {type(domain_event).__name__}")
    return field, value


def to_cloud_event(
    domain_event: Any, registry: ContractRegistry, aggregate_key: Callable[[Any], Any] | None = None
) -> CloudEvent | None:
    """The published form of a stored event, validated against its schema; None for internal events.

    `aggregate_key` looks up the aggregate of events that do not carry their business key
    (e.g. a person's move names no person id); the relay passes a repository lookup.
    """
    mapping = _MAPPERS.get(type(domain_event))
    if mapping is None:
        return None
    name, kind, mapper = mapping
    aggregate = None
    if (
        kind != "objective"
        and getattr(domain_event, f"{kind}_id", None) is None
        and aggregate_key is not None
    ):
        aggregate = aggregate_key(domain_event)
    field, subject = _subject(kind, domain_event, aggregate)
    return published(
        domain_event,
        registry,
        context=CONTEXT,
        name=name,
        subject=subject,
        data={field: subject, **mapper(domain_event)},
        id_namespace=_EVENT_ID_NAMESPACE,
    )


def published_form(registry: ContractRegistry) -> PublishedForm:
    """The mapping the relay publishes with and the store checks every pending event with."""
    return lambda domain_event, first: to_cloud_event(domain_event, registry, first)
