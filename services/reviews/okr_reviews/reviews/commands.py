"""Commands of reviews, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScoreKeyResult:
    """A self-assessment (`kind` self) or a manager's score (`kind` manager) of a key result;
    with `correction`, an admin's reasoned change after finalisation."""

    review_id: str
    key_result_id: str
    kind: str
    score: Any
    expected_version: int
    remark: str | None = None
    correction: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class FinaliseReview:
    """Finalises the cycle's reviews; with `org_unit_id`, only those of that unit's subtree."""

    cycle_id: str
    reason: str
    org_unit_id: str | None = None
