"""Award events in their published `okr.incentives.v1` form: the subject is the cycle (one stream
per cycle, in order), the data the contract's."""

from __future__ import annotations

from typing import Any

from okr_incentives.awards.domain import CycleAwards
from okr_shared.contracts.mappings import Mapper


def _bound(e: Any) -> tuple[str, dict[str, Any]]:
    return e.cycle_id, {
        "cycle_id": e.cycle_id,
        "policy_id": e.policy_id,
        "policy_version": e.policy_version,
        "reason": e.reason,
    }


def _granted(e: Any) -> tuple[str, dict[str, Any]]:
    fields = ("award_id", "person_id", "points", "multiplier", "score", "badges")
    return e.cycle_id, {
        **{k: getattr(e, k) for k in fields},
        "cycle_id": e.cycle_id,
        "policy_id": e.policy_id,
        "policy_version": e.policy_version,
        "inputs": e.inputs,
        "evidence": e.evidence,
    }


def _adjusted(e: Any) -> tuple[str, dict[str, Any]]:
    fields = ("adjustment_id", "award_id", "person_id", "points", "multiplier", "score")
    more = ("previous", "inputs", "evidence", "source_event_id", "reason")
    return e.cycle_id, {
        **{k: getattr(e, k) for k in fields},
        "cycle_id": e.cycle_id,
        "policy_id": e.policy_id,
        "policy_version": e.policy_version,
        **{k: getattr(e, k) for k in more},
    }


MAPPERS: dict[type, tuple[str, Mapper]] = {
    CycleAwards.PolicyBound: ("PolicyBoundToCycle", _bound),
    CycleAwards.Granted: ("AwardGranted", _granted),
    CycleAwards.Adjusted: ("AwardAdjusted", _adjusted),
}
