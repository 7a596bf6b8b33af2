"""How goal-service aggregates are shown in HTTP responses."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from okr_goals.domain.cycle import Cycle
from okr_goals.domain.directory import OrgUnit, Person
from okr_goals.domain.objective import Objective
from okr_goals.entrypoints.schemas import (
    CycleOut,
    HistoryEntryOut,
    ObjectiveOut,
    OrgUnitOut,
    PersonOut,
)

_EVENT_FIELDS = {
    "originator_id",
    "originator_version",
    "timestamp",
    "originator_topic",
    "meta",
    "request_fingerprint",
    "reason",
    "correction",
}


def objective_view(objective: Objective) -> ObjectiveOut:
    return ObjectiveOut(
        objective_id=str(objective.id),
        tenant_id=objective.tenant_id,
        title=objective.title,
        description=objective.description,
        level=objective.level,
        owner_type=objective.owner_type,
        owner_id=objective.owner_id,
        org_unit_id=objective.org_unit_id,
        cycle_id=objective.cycle_id,
        tags=list(objective.tags),
        visibility=objective.visibility,
        status=objective.status,
        key_results=[kr.as_dict() for kr in objective.key_results],
        initiatives=[i.as_dict() for i in objective.initiatives],
        alignments=[dict(a) for a in objective.alignments],
        pending_proposals=[{"proposal_id": pid, **p} for pid, p in objective.proposals.items()],
        rolled_over_from=objective.rolled_over_from,
        rolled_over_to=objective.rolled_over_to,
        warnings=objective.warnings(),
        version=objective.version,
        created_on=objective.created_on,
        modified_on=objective.modified_on,
    )


def respond(response: Response, objective: Objective) -> ObjectiveOut:
    response.headers["ETag"] = f'"{objective.version}"'
    response.headers["Location"] = f"/v1/objectives/{objective.id}"
    return objective_view(objective)


def history_entry(event: Any) -> HistoryEntryOut:
    """One stored event as an auditor reads it: what changed, who, when and why."""
    state = {k: v for k, v in event.__dict__.items() if k not in _EVENT_FIELDS}
    return HistoryEntryOut(
        version=event.originator_version,
        event=type(event).__name__,
        recorded_at=event.timestamp,
        actor_id=event.meta["actor_id"],
        correlation_id=event.meta.get("correlation_id"),
        reason=getattr(event, "reason", None),
        correction=bool(getattr(event, "correction", False)),
        changes=state,
    )


def cycle_view(cycle: Cycle) -> CycleOut:
    return CycleOut(
        cycle_id=cycle.cycle_id,
        name=cycle.name,
        cadence=cycle.cadence,
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        state=cycle.state,
        version=cycle.version,
    )


def org_unit_view(unit: OrgUnit) -> OrgUnitOut:
    return OrgUnitOut(
        org_unit_id=unit.org_unit_id,
        name=unit.name,
        kind=unit.kind,
        parent_id=unit.parent_id,
        version=unit.version,
    )


def person_view(person: Person) -> PersonOut:
    return PersonOut(
        person_id=person.person_id,
        name=person.name,
        email=person.email,
        manager_id=person.manager_id,
        org_unit_id=person.org_unit_id,
        locale=person.locale,
        active=person.active,
        version=person.version,
    )
