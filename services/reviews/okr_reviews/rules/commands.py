"""Commands of scoring rules, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SetScoringRules:
    rules: dict[str, Any]
    reason: str | None = None
