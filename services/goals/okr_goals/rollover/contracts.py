"""The published contract of an objective's rollover."""

from __future__ import annotations

from okr_goals.mapping import Mapper, pick
from okr_goals.objectives.domain import Objective

MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    Objective.RolledOver: (
        "ObjectiveRolledOver",
        "objective",
        pick("cycle_id", "to_objective_id", "to_cycle_id"),
    ),
}
