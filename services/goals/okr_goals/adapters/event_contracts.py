"""Translates stored domain events into the published `okr.goals.v1` contracts (never stored state)."""

from __future__ import annotations

import uuid
from typing import Any

from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.contracts import ContractRegistry

from okr_goals.domain.objective import Objective

SOURCE = "/okr/goals"
CONTEXT = "goals"
_EVENT_ID_NAMESPACE = uuid.UUID("2b0d7c1e-5f3a-4e8b-a1d4-9c6e0f7b3a52")


def _created(e: Any) -> tuple[str, dict[str, Any]]:
    return "ObjectiveCreated", {
        "title": e.title,
        "description": e.description,
        "owner_id": e.owner_id,
        "level": e.level,
        "cycle_id": e.cycle_id,
        "key_results": e.key_results,
    }


def _key_result_added(e: Any) -> tuple[str, dict[str, Any]]:
    return "KeyResultAdded", {"key_result": e.key_result}


def _revised(e: Any) -> tuple[str, dict[str, Any]]:
    return "ObjectiveRevised", {"changes": e.changes, "previous": e.previous, "reason": e.reason}


def _key_result_revised(e: Any) -> tuple[str, dict[str, Any]]:
    return "KeyResultRevised", {
        "key_result_id": e.key_result_id,
        "changes": e.changes,
        "previous": e.previous,
        "reason": e.reason,
    }


_MAPPERS = {
    Objective.Created: _created,
    Objective.KeyResultAdded: _key_result_added,
    Objective.Revised: _revised,
    Objective.KeyResultRevised: _key_result_revised,
}


def event_id(aggregate_id: uuid.UUID, version: int) -> str:
    """A stable CloudEvent id: the same stored event always gets the same id, so consumers can dedup."""
    return str(uuid.uuid5(_EVENT_ID_NAMESPACE, f"{aggregate_id}:{version}"))


def to_cloud_event(domain_event: Any, registry: ContractRegistry) -> CloudEvent | None:
    """The published form of a stored event, validated against its schema; None for non-public events."""
    mapper = _MAPPERS.get(type(domain_event))
    if mapper is None:
        return None
    name, payload = mapper(domain_event)
    aggregate_id = domain_event.originator_id
    data = {"objective_id": str(aggregate_id), **payload}
    version = registry.latest_version(CONTEXT, name)
    registry.validate(CONTEXT, name, version, data)
    meta = domain_event.meta
    return CloudEvent(
        id=event_id(aggregate_id, domain_event.originator_version),
        source=SOURCE,
        type=f"okr.goals.{name}",
        subject=str(aggregate_id),
        time=domain_event.timestamp,
        dataschema=schema_urn(CONTEXT, name, version),
        data=data,
        tenantid=meta["tenant_id"],
        actorid=meta["actor_id"],
        correlationid=meta["correlation_id"],
        causationid=meta["causation_id"],
        sequence=domain_event.originator_version,
        traceparent=meta.get("traceparent"),
    )
