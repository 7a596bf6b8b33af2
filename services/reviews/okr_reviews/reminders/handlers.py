"""Sending grading reminders: for every review of a cycle in grading, the reminders its facts
call for in the current period, each recorded once in the review's ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from okr_reviews import keys
from okr_reviews.knowledge import access
from okr_reviews.knowledge.domain import Doc
from okr_reviews.knowledge.handlers import Knowledge
from okr_reviews.reminders.domain import (
    GradingReminderLedger,
    KeyResultFacts,
    Period,
    Person,
    Schedule,
    ledger_uuid,
    period_at,
    reminders_due,
)
from okr_reviews.reviews.domain import MANAGER, SELF, Review
from okr_reviews.reviews.handlers import GRADING
from okr_reviews.store import ReviewsStore
from okr_shared import access as rules
from okr_shared.access_facts import Lookup, goal_facts
from okr_shared.clock import Clock
from okr_shared.event_meta import Caller, EventMeta

ACTOR = "okr-reviews-scheduler"


class GradingReminderHandlers:
    """Grading reminders to owners and their managers, once per period, person and review."""

    def __init__(
        self, store: ReviewsStore, knowledge: Knowledge, clock: Clock, schedule: Schedule
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.clock = clock
        self.schedule = schedule

    def send_reminders(self, tenant_id: str | None = None) -> int:
        """Records the reminders due now for every open review of every cycle in grading (of
        `tenant_id` only, if given); how many were recorded."""
        now = self.clock.now()
        sent = 0
        for tenant, cycle in self.knowledge.store.all_of("cycle"):
            if tenant_id is not None and tenant != tenant_id:
                continue
            if cycle["state"] != GRADING:
                continue
            for objective in self.knowledge.objectives_of_cycle(tenant, cycle["cycle_id"]):
                sent += self._remind(tenant, cycle["cycle_id"], objective, now)
        return sent

    def _remind(self, tenant_id: str, cycle_id: str, objective: Doc, now: datetime) -> int:
        uid = keys.review_uuid(tenant_id, cycle_id, objective["objective_id"])
        review = self.store.find(Review, uid, tenant_id)
        if review is None or review.finalised is not None:
            return 0
        period = period_at(self.schedule, datetime.fromisoformat(review.grading_opened_at), now)
        if period is None:
            return 0
        lookup = self.knowledge.lookup(tenant_id)
        facts = [
            _facts(lookup, tenant_id, objective, kr_id, kr)
            for kr_id, kr in review.key_results.items()
            if kr_id in objective["key_results"]
        ]
        people = _people(lookup, facts)
        reminders = reminders_due(period, facts, people, finalised=False)
        if not reminders:
            return 0
        review_id = str(review.id)
        ledger_id = ledger_uuid(tenant_id, review_id)
        ledger = self.store.find(
            GradingReminderLedger, ledger_id, tenant_id
        ) or GradingReminderLedger.open(
            ledger_id, tenant_id, review_id, cycle_id, objective["objective_id"]
        )
        meta = _meta(tenant_id, period, now)
        sent = sum(ledger.send(reminder, meta) for reminder in reminders)
        if not sent:
            return 0
        try:
            self.store.save(ledger)
        except IntegrityError:
            return 0
        return sent


def _facts(lookup: Lookup, tenant_id: str, objective: Doc, kr_id: str, kr: Doc) -> KeyResultFacts:
    """Who may self-score the key result (of those answerable for it), and how it was scored."""
    goal = goal_facts(lookup, tenant_id, objective)
    owner_id = objective["key_results"][kr_id].get("owner_id")
    owners = tuple(
        person
        for person in sorted(rules.answerable_for(goal, owner_id, ()))
        if access.may_self_score(lookup, _as(tenant_id, person), objective, kr_id)
    )
    kinds = {score["kind"] for score in kr.get("scores") or []}
    return KeyResultFacts(kr_id, owners, SELF in kinds, MANAGER in kinds)


def _people(lookup: Lookup, facts: list[KeyResultFacts]) -> dict[str, Person]:
    """The owners and their direct managers, as the directory knows them."""
    owners = sorted({owner for kr in facts for owner in kr.owners})
    docs = {person_id: lookup("person", person_id) for person_id in owners}
    managers = {doc.get("manager_id") for doc in docs.values() if doc} - {None, *owners}
    docs |= {person_id: lookup("person", person_id) for person_id in sorted(managers)}
    return {
        person_id: Person(bool(doc.get("active")), doc.get("manager_id"))
        for person_id, doc in docs.items()
        if doc is not None
    }


def _as(tenant_id: str, person_id: str) -> Caller:
    """The person as a caller holding their position, to ask the access rules about them."""
    return Caller(EventMeta(tenant_id, person_id, "grading-reminders", "scheduler"))


def _meta(tenant_id: str, period: Period, now: datetime) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "actor_id": ACTOR,
        "correlation_id": f"grading-reminders-{period.start.isoformat()}",
        "causation_id": "scheduler",
        "traceparent": None,
        "at": now.isoformat(),
    }
