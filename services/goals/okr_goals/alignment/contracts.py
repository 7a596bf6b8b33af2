"""The published contracts of the alignment events (links and proposals)."""

from __future__ import annotations

from typing import Any

from okr_goals.mapping import CHANGE, Mapper, pick
from okr_goals.objectives.domain import Objective


def _aligned(e: Any) -> dict[str, Any]:
    return {
        "parent_objective_id": e.parent_objective_id,
        "weight": e.weight,
        "proposal_id": e.proposal_id,
        "reason": e.reason,
        "correction": e.correction,
    }


MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    Objective.Aligned: ("ObjectiveAligned", "objective", _aligned),
    Objective.AlignmentRevised: (
        "ObjectiveAlignmentRevised",
        "objective",
        pick("parent_objective_id", "weight", "previous_weight", *CHANGE),
    ),
    Objective.AlignmentRemoved: (
        "ObjectiveAlignmentRemoved",
        "objective",
        pick("parent_objective_id", *CHANGE),
    ),
    Objective.AlignmentProposed: (
        "AlignmentProposed",
        "objective",
        pick("parent_objective_id", "proposal_id", "weight", "note"),
    ),
    Objective.AlignmentProposalDeclined: (
        "AlignmentProposalDeclined",
        "objective",
        pick("parent_objective_id", "proposal_id", "reason"),
    ),
}
