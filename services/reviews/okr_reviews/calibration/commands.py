"""Commands and results of calibration, as plain data handed over by and to the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from okr_reviews.knowledge.domain import Doc
from okr_reviews.reviews.domain import Review


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


@dataclass(frozen=True)
class CalibratedObjective:
    """An objective of the unit's subtree with its review's standing score."""

    review: Review
    objective: Doc
    org_unit_id: str | None
    manager_id: str | None


@dataclass(frozen=True)
class Calibration:
    """The distribution of a unit subtree's objective scores in a cycle, and the objectives."""

    cycle_id: str
    org_unit_id: str
    distribution: dict[str, Any]
    objectives: list[CalibratedObjective]
