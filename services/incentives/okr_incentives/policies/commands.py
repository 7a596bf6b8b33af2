"""Commands of reward policies, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SetRewardPolicy:
    policy_id: str
    policy: dict[str, Any]
    reason: str | None = None
