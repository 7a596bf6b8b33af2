"""Opening reviews when a cycle enters grading, scoring key results, finalising a cycle's
reviews, and reading them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from okr_reviews import keys
from okr_reviews.knowledge import access
from okr_reviews.knowledge.domain import Doc
from okr_reviews.knowledge.handlers import Knowledge
from okr_reviews.knowledge.refusals import confirms_refusals
from okr_reviews.reviews import scope
from okr_reviews.reviews.commands import FinaliseReview, ScoreKeyResult
from okr_reviews.reviews.domain import (
    CORRECTION,
    MANAGER,
    SELF,
    NotGrading,
    Review,
    ReviewFinalisedError,
    ReviewNotFound,
    suggestion,
)
from okr_reviews.rules.handlers import RuleHandlers
from okr_reviews.store import ReviewsStore
from okr_shared import access_facts
from okr_shared.access import LEADER
from okr_shared.clock import Clock
from okr_shared.errors import Forbidden, InvalidField, NotFound, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta

GRADING = "grading"
FINALISERS = frozenset({LEADER})
"""The role that lets a person finalise the reviews of their unit and below."""
TARGET_FIELDS = ("kind", "start", "target", "baseline", "lower", "upper")
"""What the progress of a key result needs, kept in the review so a late suggestion is computed
against the key result as it was when grading opened."""


class ReviewHandlers:
    """Reviews of objectives, one per objective and cycle."""

    def __init__(
        self, store: ReviewsStore, knowledge: Knowledge, rules: RuleHandlers, clock: Clock
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.rules = rules
        self.clock = clock

    # ---- opening (the consumer's idempotent command)

    def open_reviews(self, tenant_id: str, cycle_id: str, meta: dict[str, Any]) -> list[Review]:
        """Opens the review of every graded objective of a cycle in grading that has none yet;
        a repeated call opens nothing (the review id is uuid5 of tenant, cycle and objective)."""
        cycle = self.knowledge.cycle(tenant_id, cycle_id)
        if cycle is None or cycle["state"] != GRADING or not cycle.get("grading_opened_at"):
            return []
        version, rules = self.rules.in_force(tenant_id)
        opened = []
        for objective in self.knowledge.objectives_of_cycle(tenant_id, cycle_id):
            uid = keys.review_uuid(tenant_id, cycle_id, objective["objective_id"])
            if self.store.find(Review, uid, tenant_id) is None:
                opened.append(self._opened(uid, tenant_id, cycle, objective, version, rules, meta))
        if opened:
            self.store.save_or_conflict(*opened)
        return opened

    def open_review_of(self, tenant_id: str, objective_id: str, meta: dict[str, Any]) -> bool:
        """Opens the review of an objective learned after its cycle entered grading."""
        objective = self.knowledge.objective(tenant_id, objective_id)
        if objective is None:
            return False
        return any(
            r.objective_id == objective_id
            for r in self.open_reviews(tenant_id, objective["cycle_id"], meta)
        )

    def refresh_suggestion(
        self, tenant_id: str, objective_id: str, key_result_id: str, meta: dict[str, Any]
    ) -> bool:
        """Recomputes a key result's suggestion after a check-in was learned: a check-in recorded
        before grading opened may arrive after the review was opened (the two topics are consumed
        independently). True if the suggestion changed."""
        objective = self.knowledge.objective(tenant_id, objective_id)
        if objective is None:
            return False
        uid = keys.review_uuid(tenant_id, objective["cycle_id"], objective_id)
        review = self.store.find(Review, uid, tenant_id)
        if review is None or key_result_id not in review.key_results:
            return False
        found = suggestion(
            review.key_results[key_result_id],
            self.knowledge.check_ins(tenant_id, key_result_id),
            review.cycle_ends_on,
            datetime.fromisoformat(review.grading_opened_at),
            review.rules["step"],
        )
        meta = {**meta, "at": self.clock.now().isoformat()}
        if not review.revise_suggestion(key_result_id, found, meta):
            return False
        self.store.save_or_conflict(review)
        return True

    def _opened(
        self,
        uid: uuid.UUID,
        tenant_id: str,
        cycle: Doc,
        objective: Doc,
        version: int,
        rules: dict[str, Any],
        meta: dict[str, Any],
    ) -> Review:
        opened_at = datetime.fromisoformat(cycle["grading_opened_at"])
        key_results = {}
        for kr_id, kr in objective["key_results"].items():
            found = suggestion(
                kr,
                self.knowledge.check_ins(tenant_id, kr_id),
                cycle["ends_on"],
                opened_at,
                rules["step"],
            )
            key_results[kr_id] = {
                "title": kr["title"],
                **{k: kr[k] for k in TARGET_FIELDS},
                "weight": kr["weight"],
                "owner_id": kr["owner_id"],
                **found,
                "scores": [],
            }
        return Review.open(
            uid,
            tenant_id=tenant_id,
            cycle_id=cycle["cycle_id"],
            objective_id=objective["objective_id"],
            commitment=objective["commitment"],
            rule_version=version,
            rules=rules,
            cycle_ends_on=cycle["ends_on"],
            grading_opened_at=cycle["grading_opened_at"],
            key_results=key_results,
            meta={**meta, "at": self.clock.now().isoformat()},
        )

    # ---- reads

    def readable(self, caller: Caller, review_id: str) -> tuple[Review, Doc]:
        """The review and its objective, if the caller may read the objective; else not found."""
        try:
            uid = uuid.UUID(review_id)
        except ValueError as exc:
            raise ReviewNotFound(review_id) from exc
        review = self.store.find(Review, uid, caller.tenant_id)
        objective = review and self.knowledge.objective(caller.tenant_id, review.objective_id)
        lookup = self.knowledge.lookup(caller.tenant_id)
        if (
            review is None
            or objective is None
            or not access_facts.may_read(lookup, caller, objective)
        ):
            self.knowledge.refuse(ReviewNotFound(review_id))
        return review, objective

    @confirms_refusals
    def review(self, caller: Caller, review_id: str) -> Review:
        return self.readable(caller, review_id)[0]

    @confirms_refusals
    def reviews_of_cycle(self, caller: Caller, cycle_id: str) -> list[Review]:
        """The reviews of the cycle's objectives the caller may read."""
        return self._of_cycle(caller, cycle_id)

    def _of_cycle(self, caller: Caller, cycle_id: str) -> list[Review]:
        return [review for review, _ in self.readable_of_cycle(caller, cycle_id)]

    def readable_of_cycle(self, caller: Caller, cycle_id: str) -> list[tuple[Review, Doc]]:
        """The reviews of the cycle's objectives the caller may read, with their objectives."""
        lookup = self.knowledge.lookup(caller.tenant_id)
        return [
            (review, objective)
            for review, objective in self._all_of_cycle(caller.tenant_id, cycle_id)
            if access_facts.may_read(lookup, caller, objective)
        ]

    def _all_of_cycle(self, tenant_id: str, cycle_id: str) -> list[tuple[Review, Doc]]:
        if self.knowledge.cycle(tenant_id, cycle_id) is None:
            self.knowledge.refuse(NotFound("cycle", cycle_id))
        found = []
        for objective in self.knowledge.objectives_of_cycle(tenant_id, cycle_id):
            uid = keys.review_uuid(tenant_id, cycle_id, objective["objective_id"])
            review = self.store.find(Review, uid, tenant_id)
            if review is not None:
                found.append((review, objective))
        return found

    # ---- scoring

    @confirms_refusals
    def score(self, command: ScoreKeyResult, caller: Caller) -> Review:
        """Records a self-assessment, a manager's score or an admin's correction."""
        review, objective = self.readable(caller, command.review_id)
        if command.key_result_id not in review.key_results:
            raise NotFound("key result", command.key_result_id)
        if command.key_result_id not in objective["key_results"]:
            self.knowledge.refuse(NotFound("key result", command.key_result_id))
        kind = self._kind(command, caller, review)
        if kind != CORRECTION:
            self.check_grading(caller, review)
            self._check_right(caller, objective, command.key_result_id, kind)
        review.check_version(command.expected_version)
        review.give_score(
            command.key_result_id,
            kind,
            command.score,
            command.remark,
            command.reason,
            event_meta(caller, self.clock.now()),
        )
        self.store.save_or_conflict(review)
        return review

    def _kind(self, command: ScoreKeyResult, caller: Caller, review: Review) -> str:
        if command.correction:
            if not caller.is_admin:
                raise Forbidden("#/correction", "only an admin corrects a finalised score")
            return CORRECTION
        if review.finalised is not None:
            raise ReviewFinalisedError(
                "#/correction",
                "the review is finalised; a score changes only by an admin's correction "
                "(correction: true) with a reason",
            )
        return command.kind

    def check_grading(self, caller: Caller, review: Review) -> None:
        cycle = self.knowledge.cycle(caller.tenant_id, review.cycle_id)
        state = cycle["state"] if cycle else "unknown"
        if state != GRADING:
            self.knowledge.refuse(
                NotGrading("#", f"the cycle is {state}; scores are given while it is in grading")
            )

    def _check_right(self, caller: Caller, objective: Doc, key_result_id: str, kind: str) -> None:
        lookup = self.knowledge.lookup(caller.tenant_id)
        pointer = f"path:{key_result_id}"
        if kind == SELF and not access.may_self_score(lookup, caller, objective, key_result_id):
            self.knowledge.refuse(
                Forbidden(pointer, "only the key result's owner assesses it themselves")
            )
        if kind == MANAGER and not access.may_manager_score(
            lookup, caller, objective, key_result_id
        ):
            self.knowledge.refuse(
                Forbidden(pointer, "only a manager above the key result's owner overrides it")
            )

    # ---- finalisation

    @confirms_refusals
    def finalise(self, command: FinaliseReview, caller: Caller) -> list[Review]:
        """Fixes the final scores of every review of the cycle while it grades (admins only), or
        with `org_unit_id` of the reviews of that unit's subtree (admins, and people with the
        `leader` role in that unit or a unit above; `scope.leads`). Answers the reviews
        finalised that the caller may read."""
        if command.org_unit_id is None and not caller.is_admin:
            raise Forbidden("#", "only an admin finalises a whole cycle's review")
        if not command.reason.strip():
            raise InvalidField("#/reason", "a finalisation needs a reason")
        lookup = self.knowledge.lookup(caller.tenant_id)
        if command.org_unit_id is not None:
            self._check_unit_finaliser(caller, command.org_unit_id)
        cycle = self.knowledge.cycle(caller.tenant_id, command.cycle_id)
        if cycle is None:
            self.knowledge.refuse(NotFound("cycle", command.cycle_id))
        if cycle["state"] != GRADING:
            self.knowledge.refuse(
                NotGrading("#", f"the cycle is {cycle['state']}; it is finalised while grading")
            )
        meta = event_meta(caller, self.clock.now())
        self.open_reviews(caller.tenant_id, command.cycle_id, caller.meta.as_dict())
        scoped = [
            (review, objective)
            for review, objective in self._all_of_cycle(caller.tenant_id, command.cycle_id)
            if command.org_unit_id is None
            or scope.in_subtree(lookup, objective, command.org_unit_id)
        ]
        changed = [r for r, _ in scoped if r.finalise(command.reason.strip(), meta)]
        if changed:
            self.store.save_or_conflict(*changed)
        return [r for r, o in scoped if access_facts.may_read(lookup, caller, o)]

    def _check_unit_finaliser(self, caller: Caller, org_unit_id: str) -> None:
        lookup = self.knowledge.lookup(caller.tenant_id)
        if lookup("org_unit", org_unit_id) is None:
            self.knowledge.refuse(UnknownReference("#/org_unit_id", "no such org unit"))
        if not scope.leads(lookup, caller, org_unit_id, FINALISERS):
            self.knowledge.refuse(
                Forbidden(
                    "#/org_unit_id",
                    "only an admin, or a leader of this unit or a unit above, finalises its "
                    "reviews",
                )
            )
