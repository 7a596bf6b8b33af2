"""Commands and queries of re-scoring, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Rescore:
    """What the cycle's scores would be under another rule version or a draft rule set (exactly
    one of them), optionally for the scores as they stood at `as_of`."""

    cycle_id: str
    rule_version: int | None = None
    rules: dict[str, Any] | None = None
    as_of: datetime | None = None


@dataclass(frozen=True)
class AdoptRules:
    """Re-binds every review of the cycle to an existing rule version, with a reason."""

    cycle_id: str
    rule_version: int
    reason: str
