"""Reward-policy events in their published `okr.incentives.v1` form: subject and contract data."""

from __future__ import annotations

from typing import Any

from okr_incentives.policies.domain import RewardPolicy
from okr_shared.contracts.mappings import Mapper


def _set(e: Any) -> tuple[str, dict[str, Any]]:
    return e.policy_id, {
        "policy_id": e.policy_id,
        "version": e.version,
        **e.policy,
        "reason": e.reason,
    }


MAPPERS: dict[type, tuple[str, Mapper]] = {RewardPolicy.Set: ("RewardPolicySet", _set)}
