"""Commands of feedback on goals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GiveFeedback:
    objective_id: str
    kind: str
    text: str
    key_result_id: str | None = None
