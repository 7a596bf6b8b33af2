"""The published contracts of the objective events (created, revised, key results, initiatives)."""

from __future__ import annotations

from typing import Any

from okr_goals.mapping import CHANGE, Mapper, pick
from okr_goals.objectives.domain import Objective


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
            "commitment",
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


MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    Objective.Created: ("ObjectiveCreated", "objective", _objective_created),
    Objective.Revised: ("ObjectiveRevised", "objective", pick("changes", "previous", *CHANGE)),
    Objective.StatusChanged: (
        "ObjectiveStatusChanged",
        "objective",
        pick("status", "previous_status", *CHANGE),
    ),
    Objective.KeyResultAdded: ("KeyResultAdded", "objective", pick("key_result", *CHANGE)),
    Objective.KeyResultRevised: (
        "KeyResultRevised",
        "objective",
        pick("key_result_id", "changes", "previous", *CHANGE),
    ),
    Objective.InitiativeAdded: ("InitiativeAdded", "objective", _initiative_added),
    Objective.InitiativeRevised: (
        "InitiativeRevised",
        "objective",
        pick("key_result_id", "initiative_id", "changes", "previous", *CHANGE),
    ),
}
