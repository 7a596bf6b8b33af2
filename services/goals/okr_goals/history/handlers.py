"""Time travel: the alignment tree of a cycle or org unit as it stood at any moment, rebuilt from
events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from okr_goals import access, keys
from okr_goals.cycles.domain import Cycle
from okr_goals.directory.domain import OrgUnit
from okr_goals.errors import CycleNotFound, OrgUnitNotFound
from okr_goals.objectives.domain import Objective
from okr_goals.objectives.handlers import ObjectiveHandlers
from okr_goals.store import ORG_UNITS_ROSTER, GoalsStore
from okr_shared.event_meta import Caller


def node(objective: Objective) -> dict[str, Any]:
    """The tree node of an objective (without its children)."""
    return {
        "objective_id": str(objective.id),
        "title": objective.title,
        "level": objective.level,
        "owner_type": objective.owner_type,
        "owner_id": objective.owner_id,
        "org_unit_id": objective.org_unit_id,
        "status": objective.status,
        "visibility": objective.visibility,
        "version": objective.version,
        "modified_on": objective.modified_on.isoformat(),
        "key_results": [kr.as_dict() for kr in objective.key_results],
        "alignments": [dict(a) for a in objective.alignments],
    }


class HistoryHandlers:
    """An objective's audit trail, and the alignment tree as it stood at any time."""

    def __init__(self, store: GoalsStore, objectives: ObjectiveHandlers) -> None:
        self.store = store
        self.objectives = objectives

    def history(self, caller: Caller, objective_id: str | UUID) -> list[Any]:
        """Every stored event of the objective, oldest first."""
        self.objectives.get_objective(caller, objective_id)
        return list(self.store.events.get(UUID(str(objective_id))))

    def alignment_tree(
        self,
        caller: Caller,
        cycle_id: str,
        at: datetime | None = None,
        org_unit_id: str | None = None,
    ) -> dict[str, Any]:
        """Every objective of the cycle (optionally of one org unit and below) as of `at`, nested
        by alignment.

        Nothing is read from a current-state table: the cycle's roster, each objective and
        each org unit are loaded as of `at` from their events. A child with several parents
        appears under each; parents outside the returned set are listed as `external_parents`.
        """
        at = at or datetime.now(UTC)
        cycle = self.store.as_of(
            Cycle, keys.cycle_uuid(caller.tenant_id, cycle_id), caller.tenant_id, at
        )
        if cycle is None:
            raise CycleNotFound(cycle_id)
        objectives = []
        for objective_id in self.store.cycle_members(caller.tenant_id, cycle_id, at):
            objective = self.store.as_of(Objective, objective_id, caller.tenant_id, at)
            if objective is not None and access.may_read(self.store, caller, objective):
                objectives.append(objective)
        if org_unit_id is not None:
            units = self._subtree_at(caller.tenant_id, org_unit_id, at)
            objectives = [o for o in objectives if o.org_unit_id in units]
        nodes = {str(o.id): node(o) for o in objectives}
        children: dict[str, list[tuple[str, float]]] = {oid: [] for oid in nodes}
        for oid, item in nodes.items():
            item["external_parents"] = [
                a for a in item["alignments"] if a["parent_objective_id"] not in nodes
            ]
            for link in item["alignments"]:
                if link["parent_objective_id"] in nodes:
                    children[link["parent_objective_id"]].append((oid, link["weight"]))
        roots = [
            oid
            for oid, item in nodes.items()
            if len(item["external_parents"]) == len(item["alignments"])
        ]
        return {
            "cycle_id": cycle_id,
            "cycle_state": cycle.state,
            "as_of": at.isoformat(),
            "org_unit_id": org_unit_id,
            "objective_count": len(nodes),
            "roots": [_nest(oid, None, nodes, children, frozenset()) for oid in roots],
        }

    def _subtree_at(self, tenant_id: str, org_unit_id: str, at: datetime) -> set[str]:
        parents: dict[str, str | None] = {}
        for unit_id in self.store.roster_members(tenant_id, ORG_UNITS_ROSTER, at):
            unit = self.store.as_of(OrgUnit, keys.org_unit_uuid(tenant_id, unit_id), tenant_id, at)
            if unit is not None:
                parents[unit.org_unit_id] = unit.parent_id
        if org_unit_id not in parents:
            raise OrgUnitNotFound(org_unit_id)
        subtree = set()
        for unit_id in parents:
            current, seen = unit_id, set()
            while current is not None and current not in seen:
                if current == org_unit_id:
                    subtree.add(unit_id)
                    break
                seen.add(current)
                current = parents.get(current)
        return subtree


def _nest(
    oid: str,
    weight: float | None,
    nodes: dict[str, dict],
    children: dict[str, list],
    path: frozenset[str],
) -> dict[str, Any]:
    item = {**nodes[oid], "weight": weight}
    item["children"] = [
        _nest(child, w, nodes, children, path | {oid})
        for child, w in children[oid]
        if child not in path
    ]
    return item
