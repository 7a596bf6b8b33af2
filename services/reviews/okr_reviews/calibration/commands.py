"""Commands of calibration, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class OpenSession:
    cycle_id: str
    org_unit_id: str
    reason: str


@dataclass(frozen=True)
class AdjustScore:
    """A new score of a review's key result within a session, with a reason; `expected_version`
    is the review's."""

    session_id: str
    review_id: str
    key_result_id: str
    score: Any
    reason: str
    expected_version: int


@dataclass(frozen=True)
class CloseSession:
    session_id: str
    reason: str
