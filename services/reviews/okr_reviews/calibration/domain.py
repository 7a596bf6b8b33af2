"""A calibration session: for an org unit and its sub-units in a cycle in grading, leaders compare
the distribution of scores and adjust key-result scores, each with a reason.

Opened with a reason and closed with one; every adjustment is an event of the session
(`ScoreCalibrated`: who, when, why, the score and the one it replaced) and, in the same save, a
score of kind `calibration` in the review. A closed session adjusts nothing. Who may do what:
`okr_reviews.calibration.access`.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.errors import Conflict, InvalidField, NotFound

OPEN, CLOSED = "open", "closed"


class SessionNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("calibration session", key)


class SessionClosed(Conflict):
    title = "Calibration session closed"
    kind = "calibration-session-closed"


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidField("#/reason", f"{what} needs a reason")
    return text


class CalibrationSession(Aggregate):
    """Calibration of one org unit's subtree in one cycle."""

    @event("Opened")
    def __init__(
        self, tenant_id: str, cycle_id: str, org_unit_id: str, reason: str, meta: dict[str, Any]
    ) -> None:
        self.tenant_id = tenant_id
        self.cycle_id = cycle_id
        self.org_unit_id = org_unit_id
        self.opened = {"by": meta["actor_id"], "at": meta["at"], "reason": reason}
        self.adjustments: list[dict[str, Any]] = []
        self.closed: dict[str, Any] | None = None

    @classmethod
    def open(
        cls,
        aggregate_id: Any,
        tenant_id: str,
        cycle_id: str,
        org_unit_id: str,
        reason: str | None,
        meta: dict[str, Any],
    ) -> CalibrationSession:
        text = _reason(reason, "a calibration session")
        return cls._create(
            cls.Opened,
            id=aggregate_id,
            tenant_id=tenant_id,
            cycle_id=cycle_id,
            org_unit_id=org_unit_id,
            reason=text,
            meta=meta,
        )

    @property
    def status(self) -> str:
        return OPEN if self.closed is None else CLOSED

    def check_open(self) -> None:
        if self.closed is not None:
            raise SessionClosed("path:session_id", "the calibration session is closed")

    def record(
        self,
        review_id: str,
        objective_id: str,
        key_result_id: str,
        score: float,
        previous_score: float,
        review_version: int,
        reason: str | None,
        meta: dict[str, Any],
    ) -> None:
        """Records a score adjusted in the review (the review records it too)."""
        self.check_open()
        self._calibrated(
            cycle_id=self.cycle_id,
            org_unit_id=self.org_unit_id,
            review_id=review_id,
            objective_id=objective_id,
            key_result_id=key_result_id,
            score=score,
            previous_score=previous_score,
            review_version=review_version,
            reason=_reason(reason, "a calibration"),
            meta=meta,
        )

    @event("ScoreCalibrated")
    def _calibrated(
        self,
        cycle_id: str,
        org_unit_id: str,
        review_id: str,
        objective_id: str,
        key_result_id: str,
        score: float,
        previous_score: float,
        review_version: int,
        reason: str,
        meta: dict[str, Any],
    ) -> None:
        entry = {
            "review_id": review_id,
            "objective_id": objective_id,
            "key_result_id": key_result_id,
            "score": score,
            "previous_score": previous_score,
            "review_version": review_version,
            "reason": reason,
            "by": meta["actor_id"],
            "at": meta["at"],
        }
        self.adjustments = [*self.adjustments, entry]

    def close(self, reason: str | None, meta: dict[str, Any]) -> None:
        self.check_open()
        self._closed(
            cycle_id=self.cycle_id,
            org_unit_id=self.org_unit_id,
            reason=_reason(reason, "closing a calibration session"),
            adjustments=len(self.adjustments),
            meta=meta,
        )

    @event("Closed")
    def _closed(
        self,
        cycle_id: str,
        org_unit_id: str,
        reason: str,
        adjustments: int,
        meta: dict[str, Any],
    ) -> None:
        self.closed = {"by": meta["actor_id"], "at": meta["at"], "reason": reason}
