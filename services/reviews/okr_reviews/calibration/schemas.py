"""Request and response bodies of calibration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from okr_reviews.calibration.domain import CalibrationSession
from okr_reviews.calibration.handlers import CalibratedObjective, Calibration
from okr_reviews.reviews.domain import standing_score
from okr_reviews.reviews.schemas import BandOut, ReviewOut
from okr_reviews.schemas import Body

Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Key = Annotated[str, Field(min_length=1, max_length=100)]


class OpenSessionIn(Body):
    """A session for an org unit and its sub-units, with a reason."""

    org_unit_id: Key
    reason: Reason


class AdjustIn(Body):
    """A new score of a review's key result, on the rules' step, with a reason."""

    review_id: Key
    key_result_id: Key
    score: Annotated[float, Field(description="0.0 to 1.0, a multiple of the rules' step")]
    reason: Reason
    expected_version: Annotated[int, Field(ge=0, description="The review's version you saw")]


class CloseSessionIn(Body):
    reason: Reason


class ActOut(BaseModel):
    """Who did it, when and why."""

    by: str
    at: datetime
    reason: str


class AdjustmentOut(BaseModel):
    """A score adjusted in the session: the review's key result, the new and the replaced score."""

    review_id: str
    objective_id: str
    key_result_id: str
    score: float
    previous_score: float
    review_version: int
    reason: str
    by: str
    at: datetime


class SessionOut(BaseModel):
    session_id: str
    version: int
    cycle_id: str
    org_unit_id: str
    status: str = Field(description="open or closed")
    opened: ActOut
    closed: ActOut | None
    adjustments: list[AdjustmentOut]


class AdjustedOut(BaseModel):
    """The review after the calibration score, and the session that recorded it."""

    review: ReviewOut
    session: SessionOut


class SummaryOut(BaseModel):
    """Count, mean, spread (population standard deviation) and the share of each band colour."""

    count: int
    mean: float
    spread: float
    bands: dict[str, float]


class KeyResultScoreOut(BaseModel):
    key_result_id: str
    title: str
    score: float
    band: BandOut


class CalibratedObjectiveOut(BaseModel):
    """An objective of the subtree with its review's standing score and band."""

    objective_id: str
    title: str
    review_id: str
    review_version: int
    owner_type: str
    owner_id: str
    org_unit_id: str | None = Field(description="The owning unit, else the owner's unit")
    manager_id: str | None = Field(description="The owner's manager (person-owned objectives)")
    commitment: str
    score: float
    band: BandOut
    finalised: bool
    key_results: list[KeyResultScoreOut]


class CalibrationOut(BaseModel):
    """The distribution of the standing scores of the unit subtree's objectives in the cycle;
    groups without a unit or a manager are under the empty key."""

    cycle_id: str
    org_unit_id: str
    overall: SummaryOut
    by_org_unit: dict[str, SummaryOut]
    by_manager: dict[str, SummaryOut]
    by_commitment: dict[str, SummaryOut]
    objectives: list[CalibratedObjectiveOut]


def session_out(session: CalibrationSession) -> SessionOut:
    return SessionOut.model_validate(
        {
            "session_id": str(session.id),
            "version": session.version,
            "cycle_id": session.cycle_id,
            "org_unit_id": session.org_unit_id,
            "status": session.status,
            "opened": session.opened,
            "closed": session.closed,
            "adjustments": session.adjustments,
        }
    )


def _objective_out(item: CalibratedObjective) -> CalibratedObjectiveOut:
    review, objective = item.review, item.objective
    return CalibratedObjectiveOut.model_validate(
        {
            "objective_id": review.objective_id,
            "title": objective.get("title") or "",
            "review_id": str(review.id),
            "review_version": review.version,
            "owner_type": objective["owner_type"],
            "owner_id": objective["owner_id"],
            "org_unit_id": item.org_unit_id,
            "manager_id": item.manager_id,
            "commitment": review.commitment,
            "score": review.score,
            "band": review.band,
            "finalised": review.finalised is not None,
            "key_results": [
                {
                    "key_result_id": kr_id,
                    "title": kr["title"],
                    "score": standing_score(kr),
                    "band": review.key_result_band(kr_id),
                }
                for kr_id, kr in review.key_results.items()
            ],
        }
    )


def calibration_out(found: Calibration) -> CalibrationOut:
    return CalibrationOut.model_validate(
        {
            "cycle_id": found.cycle_id,
            "org_unit_id": found.org_unit_id,
            **found.distribution,
            "objectives": [_objective_out(item) for item in found.objectives],
        }
    )
