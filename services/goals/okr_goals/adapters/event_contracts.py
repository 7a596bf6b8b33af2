"""Translates stored domain events into the published `okr.goals.v1` contracts (never stored state)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from okr_goals.domain.cycle import Cycle
from okr_goals.domain.directory import OrgUnit, Person
from okr_goals.domain.objective import Objective
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractRegistry, published
from okr_shared.contracts.guard import PublishedForm

CONTEXT = "goals"
_EVENT_ID_NAMESPACE = uuid.UUID("2b0d7c1e-5f3a-4e8b-a1d4-9c6e0f7b3a52")
_CHANGE = ("reason", "correction")

Mapper = Callable[[Any], dict[str, Any]]


def _pick(*names: str) -> Mapper:
    return lambda e: {name: getattr(e, name) for name in names}


def _objective_created(e: Any) -> dict[str, Any]:
    return {
        name: getattr(e, name)
        for name in (
            "title",
            "description",
            "level",
            "owner_type",
            "owner_id",
            "org_unit_id",
            "cycle_id",
            "tags",
            "visibility",
            "status",
            "key_results",
            "alignments",
            "rolled_over_from",
        )
    }


def _initiative_added(e: Any) -> dict[str, Any]:
    return {
        "key_result_id": e.key_result_id,
        "initiative": e.initiative,
        "reason": e.reason,
        "correction": e.correction,
    }


def _aligned(e: Any) -> dict[str, Any]:
    return {
        "parent_objective_id": e.parent_objective_id,
        "weight": e.weight,
        "proposal_id": e.proposal_id,
        "reason": e.reason,
        "correction": e.correction,
    }


_MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    Objective.Created: ("ObjectiveCreated", "objective", _objective_created),
    Objective.Revised: ("ObjectiveRevised", "objective", _pick("changes", "previous", *_CHANGE)),
    Objective.StatusChanged: (
        "ObjectiveStatusChanged",
        "objective",
        _pick("status", "previous_status", *_CHANGE),
    ),
    Objective.KeyResultAdded: ("KeyResultAdded", "objective", _pick("key_result", *_CHANGE)),
    Objective.KeyResultRevised: (
        "KeyResultRevised",
        "objective",
        _pick("key_result_id", "changes", "previous", *_CHANGE),
    ),
    Objective.Aligned: ("ObjectiveAligned", "objective", _aligned),
    Objective.AlignmentRevised: (
        "ObjectiveAlignmentRevised",
        "objective",
        _pick("parent_objective_id", "weight", "previous_weight", *_CHANGE),
    ),
    Objective.AlignmentRemoved: (
        "ObjectiveAlignmentRemoved",
        "objective",
        _pick("parent_objective_id", *_CHANGE),
    ),
    Objective.AlignmentProposed: (
        "AlignmentProposed",
        "objective",
        _pick("parent_objective_id", "proposal_id", "weight", "note"),
    ),
    Objective.AlignmentProposalDeclined: (
        "AlignmentProposalDeclined",
        "objective",
        _pick("parent_objective_id", "proposal_id", "reason"),
    ),
    Objective.InitiativeAdded: ("InitiativeAdded", "objective", _initiative_added),
    Objective.InitiativeRevised: (
        "InitiativeRevised",
        "objective",
        _pick("key_result_id", "initiative_id", "changes", "previous", *_CHANGE),
    ),
    Objective.RolledOver: (
        "ObjectiveRolledOver",
        "objective",
        _pick("cycle_id", "to_objective_id", "to_cycle_id"),
    ),
    Cycle.Planned: ("CyclePlanned", "cycle", _pick("name", "cadence", "starts_on", "ends_on")),
    Cycle.Activated: ("CycleActivated", "cycle", _pick("previous_state", "reason")),
    Cycle.GradingStarted: ("CycleGradingStarted", "cycle", _pick("previous_state", "reason")),
    Cycle.Closed: ("CycleClosed", "cycle", _pick("previous_state", "reason")),
    OrgUnit.Created: ("OrgUnitCreated", "org_unit", _pick("name", "kind", "parent_id")),
    OrgUnit.Renamed: ("OrgUnitRenamed", "org_unit", _pick("name", "previous_name")),
    OrgUnit.Moved: ("OrgUnitMoved", "org_unit", _pick("parent_id", "previous_parent_id")),
    Person.Joined: (
        "PersonJoined",
        "person",
        _pick("name", "email", "manager_id", "org_unit_id", "locale"),
    ),
    Person.DetailsChanged: ("PersonDetailsChanged", "person", _pick("changes", "previous")),
    Person.Moved: (
        "PersonMoved",
        "person",
        _pick("org_unit_id", "manager_id", "previous_org_unit_id", "previous_manager_id"),
    ),
    Person.Left: ("PersonLeft", "person", lambda e: {}),
    Person.Returned: ("PersonReturned", "person", _pick("org_unit_id", "manager_id")),
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
