"""Calibration session events in their published `okr.reviews.v1` form: subject (the session id)
and data."""

from __future__ import annotations

from typing import Any

from okr_reviews.calibration.domain import CalibrationSession
from okr_shared.contracts.mappings import Mapper


def _opened(e: Any) -> tuple[str, dict[str, Any]]:
    session_id = str(e.originator_id)
    fields = ("cycle_id", "org_unit_id", "reason")
    return session_id, {"session_id": session_id, **{k: getattr(e, k) for k in fields}}


def _calibrated(e: Any) -> tuple[str, dict[str, Any]]:
    session_id = str(e.originator_id)
    fields = ("cycle_id", "org_unit_id", "review_id", "objective_id", "key_result_id", "score")
    more = ("previous_score", "reason", "review_version")
    return session_id, {
        "session_id": session_id,
        **{k: getattr(e, k) for k in (*fields, *more)},
        "calibrated_by": e.meta["actor_id"],
        "calibrated_at": e.meta["at"],
    }


def _closed(e: Any) -> tuple[str, dict[str, Any]]:
    session_id = str(e.originator_id)
    fields = ("cycle_id", "org_unit_id", "reason", "adjustments")
    return session_id, {"session_id": session_id, **{k: getattr(e, k) for k in fields}}


MAPPERS: dict[type, tuple[str, Mapper]] = {
    CalibrationSession.Opened: ("CalibrationSessionOpened", _opened),
    CalibrationSession.ScoreCalibrated: ("ScoreCalibrated", _calibrated),
    CalibrationSession.Closed: ("CalibrationSessionClosed", _closed),
}
