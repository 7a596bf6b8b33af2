"""Calibration sessions: opening one for an org unit of a cycle in grading, adjusting scores in it
(the session and the review saved together), closing it, and the unit's score distribution."""

from __future__ import annotations

import uuid

from okr_reviews.calibration import access
from okr_reviews.calibration.commands import (
    AdjustScore,
    CalibratedObjective,
    Calibration,
    CloseSession,
    OpenSession,
)
from okr_reviews.calibration.domain import CalibrationSession, SessionNotFound
from okr_reviews.knowledge.handlers import Knowledge
from okr_reviews.knowledge.refusals import confirms_refusals
from okr_reviews.reviews.domain import NotGrading, Review
from okr_reviews.reviews.handlers import GRADING, ReviewHandlers
from okr_reviews.reviews.scope import in_subtree, objective_manager, objective_unit
from okr_reviews.store import ReviewsStore
from okr_shared.clock import Clock
from okr_shared.distribution import ScoredObjective, distribution
from okr_shared.errors import Forbidden, InvalidField, NotFound, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class CalibrationHandlers:
    """Calibration sessions over the reviews of an org unit and its sub-units."""

    def __init__(
        self, store: ReviewsStore, knowledge: Knowledge, reviews: ReviewHandlers, clock: Clock
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.reviews = reviews
        self.clock = clock

    # ---- sessions

    @confirms_refusals
    def open(self, command: OpenSession, caller: Caller) -> CalibrationSession:
        """Opens a session for the unit, while the cycle grades."""
        cycle = self.knowledge.cycle(caller.tenant_id, command.cycle_id)
        if cycle is None:
            self.knowledge.refuse(NotFound("cycle", command.cycle_id))
        lookup = self.knowledge.lookup(caller.tenant_id)
        if lookup("org_unit", command.org_unit_id) is None:
            self.knowledge.refuse(UnknownReference("#/org_unit_id", "no such org unit"))
        if not access.may_calibrate(lookup, caller, command.org_unit_id):
            self.knowledge.refuse(
                Forbidden(
                    "#/org_unit_id",
                    "only an admin, or a leader of this unit or a unit above, calibrates it",
                )
            )
        if cycle["state"] != GRADING:
            self.knowledge.refuse(
                NotGrading("#", f"the cycle is {cycle['state']}; calibration is while grading")
            )
        session = CalibrationSession.open(
            uuid.uuid4(),
            caller.tenant_id,
            command.cycle_id,
            command.org_unit_id,
            command.reason,
            event_meta(caller, self.clock.now()),
        )
        self.store.save_or_conflict(session)
        return session

    @confirms_refusals
    def session(self, caller: Caller, session_id: str) -> CalibrationSession:
        """A session, if the caller may see its unit's calibration; else not found."""
        return self._visible(caller, session_id)

    def _visible(self, caller: Caller, session_id: str) -> CalibrationSession:
        try:
            uid = uuid.UUID(session_id)
        except ValueError as exc:
            raise SessionNotFound(session_id) from exc
        session = self.store.find(CalibrationSession, uid, caller.tenant_id)
        lookup = self.knowledge.lookup(caller.tenant_id)
        if session is None or not access.may_see(lookup, caller, session.org_unit_id):
            self.knowledge.refuse(SessionNotFound(session_id))
        return session

    def _changeable(self, caller: Caller, session_id: str) -> CalibrationSession:
        session = self._visible(caller, session_id)
        lookup = self.knowledge.lookup(caller.tenant_id)
        if not access.may_calibrate(lookup, caller, session.org_unit_id):
            self.knowledge.refuse(
                Forbidden("path:session_id", "only a leader of the session's unit calibrates")
            )
        session.check_open()
        return session

    @confirms_refusals
    def adjust(self, command: AdjustScore, caller: Caller) -> tuple[Review, CalibrationSession]:
        """Gives a key result of a review in the session's subtree a new score, with a reason:
        a `ScoreCalibrated` of the session and a calibration score of the review, saved together."""
        session = self._changeable(caller, command.session_id)
        review, objective = self.reviews.readable(caller, command.review_id)
        if review.cycle_id != session.cycle_id:
            raise InvalidField("#/review_id", "the review is of another cycle than the session")
        if not in_subtree(self.knowledge.lookup(caller.tenant_id), objective, session.org_unit_id):
            self.knowledge.refuse(
                InvalidField(
                    "#/review_id",
                    f"the objective is not in {session.org_unit_id} or a unit below it",
                )
            )
        review.key_result(command.key_result_id)
        self.reviews.check_grading(caller, review)
        review.check_not_finalised("#/review_id")
        review.check_version(command.expected_version)
        meta = event_meta(caller, self.clock.now())
        entry = review.calibrate(
            command.key_result_id, command.score, command.reason, str(session.id), meta
        )
        session.record(
            str(review.id),
            review.objective_id,
            command.key_result_id,
            entry["score"],
            entry["previous_score"],
            review.version,
            command.reason,
            meta,
        )
        self.store.save_or_conflict(review, session)
        return review, session

    @confirms_refusals
    def close(self, command: CloseSession, caller: Caller) -> CalibrationSession:
        """Closes an open session, with a reason."""
        session = self._changeable(caller, command.session_id)
        session.close(command.reason, event_meta(caller, self.clock.now()))
        self.store.save_or_conflict(session)
        return session

    # ---- the distribution

    @confirms_refusals
    def calibration(self, caller: Caller, cycle_id: str, org_unit_id: str) -> Calibration:
        """The distribution of the standing scores of the cycle's reviews in the unit's subtree
        (per unit, manager and commitment), over the objectives the caller may read."""
        lookup = self.knowledge.lookup(caller.tenant_id)
        if self.knowledge.cycle(caller.tenant_id, cycle_id) is None:
            self.knowledge.refuse(NotFound("cycle", cycle_id))
        if lookup("org_unit", org_unit_id) is None:
            self.knowledge.refuse(NotFound("org unit", org_unit_id))
        if not access.may_see(lookup, caller, org_unit_id):
            self.knowledge.refuse(
                Forbidden("query:org_unit_id", "only the unit's leaders and auditors see this")
            )
        found = [
            CalibratedObjective(
                review,
                objective,
                objective_unit(lookup, objective),
                objective_manager(lookup, objective),
            )
            for review, objective in self.reviews.readable_of_cycle(caller, cycle_id)
            if in_subtree(lookup, objective, org_unit_id)
        ]
        scored = [
            ScoredObjective(
                item.objective["objective_id"],
                item.review.score,
                item.review.band["color"],
                item.review.commitment,
                item.org_unit_id,
                item.manager_id,
            )
            for item in found
        ]
        return Calibration(cycle_id, org_unit_id, distribution(scored), found)
