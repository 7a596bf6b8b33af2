"""Re-scoring a cycle's reviews under other rules (read-only), the scores as they stood at an
instant, and an admin's adoption of another rule version."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from okr_reviews import keys
from okr_reviews.knowledge.handlers import Knowledge
from okr_reviews.knowledge.refusals import confirms_refusals
from okr_reviews.rescoring.commands import AdoptRules, Rescore
from okr_reviews.rescoring.domain import (
    NOTE,
    RuleVersionNotFound,
    changed_bands,
    check_instant,
    draft_rules,
    one_of,
    resuggested,
    scored,
    scored_objective,
    version_at,
)
from okr_reviews.reviews.domain import Review, suggestion
from okr_reviews.rules.domain import RuleSet, RuleSetNotFound
from okr_reviews.rules.handlers import RuleHandlers
from okr_reviews.store import ReviewsStore
from okr_shared import access_facts
from okr_shared.clock import Clock
from okr_shared.distribution import distribution
from okr_shared.errors import Conflict, Forbidden, InvalidField, NotFound
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class RescoringHandlers:
    """Replays of the recorded reviews and the learned check-ins under other rules."""

    def __init__(
        self, store: ReviewsStore, knowledge: Knowledge, rules: RuleHandlers, clock: Clock
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.rules = rules
        self.clock = clock

    # ---- reads

    @confirms_refusals
    def rescore(self, command: Rescore, caller: Caller) -> dict[str, Any]:
        """What the bands, objective scores and distribution of the reviews the caller may read
        would be under the other rules, beside those under the bound rules; nothing is stored."""
        one_of(command.rule_version, command.rules)
        at = None
        if command.as_of is not None:
            at = check_instant(command.as_of, self.clock.now(), "#/as_of")
        if command.rules is not None:
            other = draft_rules(command.rules)
        else:
            other = self._version(caller.tenant_id, command.rule_version)
        compared, bound_items, other_items = [], [], []
        manager_of = self._manager_of(caller.tenant_id)
        for review, objective in self._reviews(caller, command.cycle_id, at):
            bound = scored(review.key_results, review.commitment, review.rules)
            found = self._suggestions(caller.tenant_id, review, other["step"])
            again = scored(resuggested(review.key_results, found), review.commitment, other)
            compared.append(
                {
                    **self._head(review),
                    "bound": {"rule_version": review.rule_version, **bound},
                    "other": {"rule_version": command.rule_version, **again},
                    "band_changed": bound["band"] != again["band"],
                }
            )
            for items, standing in ((bound_items, bound), (other_items, again)):
                items.append(
                    scored_objective(
                        review.objective_id, review.commitment, standing, objective, manager_of
                    )
                )
        return {
            "cycle_id": command.cycle_id,
            "as_of": at,
            "rule_version": command.rule_version,
            "draft": command.rules is not None,
            "note": NOTE,
            "reviews": compared,
            "changed": changed_bands(compared),
            "distribution": {
                "bound": distribution(bound_items),
                "other": distribution(other_items),
            },
        }

    @confirms_refusals
    def scores_as_of(
        self, caller: Caller, cycle_id: str, as_of: datetime | None = None
    ) -> dict[str, Any]:
        """Each review the caller may read as it stood at `as_of` (now when None): score, band,
        finalised or not; reviews opened later are absent."""
        at = check_instant(as_of, self.clock.now(), "query:as_of")
        items = [
            {
                **self._head(review),
                "version": review.version,
                "rule_version": review.rule_version,
                **scored(review.key_results, review.commitment, review.rules),
            }
            for review, _ in self._reviews(caller, cycle_id, at)
        ]
        return {"cycle_id": cycle_id, "as_of": at, "items": items}

    # ---- adoption

    @confirms_refusals
    def adopt(self, command: AdoptRules, caller: Caller) -> list[Review]:
        """Re-binds every review of the cycle not yet bound to the version (admins only, with a
        reason), while it grades or after finalisation; one `Rescored` event per review."""
        if not caller.is_admin:
            raise Forbidden("#", "only an admin adopts other scoring rules for a cycle")
        reason = (command.reason or "").strip()
        if not reason:
            raise InvalidField("#/reason", "adopting other scoring rules needs a reason")
        rules = self._version(caller.tenant_id, command.rule_version)
        reviews = [review for review, _ in self._reviews(caller, command.cycle_id, None)]
        if not reviews:
            self.knowledge.refuse(
                Conflict("#", "the cycle has no reviews yet: they open when it enters grading")
            )
        pending = [r for r in reviews if r.rule_version != command.rule_version]
        if not pending:
            raise Conflict(
                "#/rule_version",
                f"every review of the cycle is already bound to version {command.rule_version}",
            )
        meta = event_meta(caller, self.clock.now())
        for review in pending:
            found = self._suggestions(caller.tenant_id, review, rules["step"])
            review.rescore(command.rule_version, rules, found, reason, meta)
        self.store.save_or_conflict(*pending)
        return reviews

    # ---- helpers

    def _version(self, tenant_id: str, version: int | None) -> RuleSet:
        try:
            return self.rules.book(tenant_id).rules(version)
        except RuleSetNotFound as exc:
            raise RuleVersionNotFound(
                "#/rule_version", f"the tenant has no scoring rules of version {version}"
            ) from exc

    def _reviews(
        self, caller: Caller, cycle_id: str, at: datetime | None
    ) -> list[tuple[Review, dict[str, Any]]]:
        """The cycle's reviews the caller may read with their objectives, as they stood at `at`
        (now when None)."""
        tenant_id = caller.tenant_id
        if self.knowledge.cycle(tenant_id, cycle_id) is None:
            self.knowledge.refuse(NotFound("cycle", cycle_id))
        lookup = self.knowledge.lookup(tenant_id)
        found = []
        for objective in self.knowledge.objectives_of_cycle(tenant_id, cycle_id):
            if not access_facts.may_read(lookup, caller, objective):
                continue
            uid = keys.review_uuid(tenant_id, cycle_id, objective["objective_id"])
            review = self._review(uid, tenant_id, at)
            if review is not None:
                found.append((review, objective))
        return found

    def _review(self, uid: uuid.UUID, tenant_id: str, at: datetime | None) -> Review | None:
        if at is None:
            return self.store.find(Review, uid, tenant_id)
        instants = ((e.originator_version, e.meta["at"]) for e in self.store.events.get(uid))
        version = version_at(instants, at)
        if version is None:
            return None
        review = self.store.repository.get(uid, version=version)
        return review if isinstance(review, Review) and review.tenant_id == tenant_id else None

    def _suggestions(
        self, tenant_id: str, review: Review, step: float
    ) -> dict[str, dict[str, Any]]:
        """Every key result's suggestion from the learned check-ins, known when grading opened,
        rounded to `step`."""
        opened = datetime.fromisoformat(review.grading_opened_at)
        return {
            kr_id: suggestion(
                kr, self.knowledge.check_ins(tenant_id, kr_id), review.cycle_ends_on, opened, step
            )
            for kr_id, kr in review.key_results.items()
        }

    def _manager_of(self, tenant_id: str) -> Callable[[str], str | None]:
        lookup = self.knowledge.lookup(tenant_id)
        return lambda person_id: (lookup("person", person_id) or {}).get("manager_id")

    @staticmethod
    def _head(review: Review) -> dict[str, Any]:
        return {
            "review_id": str(review.id),
            "objective_id": review.objective_id,
            "commitment": review.commitment,
            "finalised": review.finalised is not None,
        }
