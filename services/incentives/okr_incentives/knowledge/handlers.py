"""Reads of what the service learned, as the other features ask them: cycles, whether a cycle's
review is finalised, and the inputs of each person's award."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from okr_incentives.knowledge.domain import Doc, active_at, cycle_days, days_present
from okr_incentives.knowledge.refusals import REFUSALS
from okr_shared import access
from okr_shared.access_facts import actor_of, manager_chain
from okr_shared.contracts.vocabulary import OBJECTIVE_STATUSES, choose
from okr_shared.event_meta import Caller
from okr_shared.knowledge_reads import KnowledgeReads

GRADED_STATUSES = choose(OBJECTIVE_STATUSES, "active", "closed")
"""The statuses of the objectives the review service grades (drafts and archived ones are not)."""


class Knowledge(KnowledgeReads):
    """The knowledge store; refusals resting on it wait for `freshness`."""

    refusals = REFUSALS

    def cycles(self, tenant_id: str) -> list[Doc]:
        return list(self.store.of_tenant(tenant_id, "cycle"))

    def review(self, tenant_id: str, review_id: str) -> Doc | None:
        return self.store.load(tenant_id, "review", review_id)[1]

    def may_see_awards_of(self, caller: Caller, person_id: str) -> bool:
        """The person, everyone above them in the manager chain, admins and auditors."""
        lookup = self.lookup(caller.tenant_id)
        managers = access.Deferred(lambda: manager_chain(lookup, person_id))
        actor = actor_of(lookup, caller)
        return access.may_see_work_of(actor, caller.tenant_id, person_id, managers)

    def finalised_reviews(self, tenant_id: str, cycle_id: str) -> dict[str, Doc]:
        """The cycle's finalised reviews, by objective."""
        return {
            r["objective_id"]: r
            for r in self.store.of_tenant(tenant_id, "review")
            if r["cycle_id"] == cycle_id
        }

    def unfinalised(self, tenant_id: str, cycle_id: str) -> list[str]:
        """The graded objectives of the cycle without a finalised review; a cycle is finalised
        when it has graded objectives and this list is empty."""
        finalised = self.finalised_reviews(tenant_id, cycle_id)
        return [
            o["objective_id"]
            for o in self.store.of_tenant(tenant_id, "objective")
            if o["cycle_id"] == cycle_id
            and o["status"] in GRADED_STATUSES
            and o["objective_id"] not in finalised
        ]

    def graded_objectives(self, tenant_id: str, cycle_id: str) -> int:
        return sum(
            1
            for o in self.store.of_tenant(tenant_id, "objective")
            if o["cycle_id"] == cycle_id and o["status"] in GRADED_STATUSES
        )

    def award_inputs(self, tenant_id: str, cycle: Doc) -> dict[str, tuple[dict, list[Doc]]]:
        """By person owning a finalised objective of the cycle: the inputs of their award (without
        the unit's and cycle's totals) and the evidence of the review events they stand on."""
        owned: defaultdict[str, list[tuple[Doc, Doc]]] = defaultdict(list)
        for objective_id, review in self.finalised_reviews(tenant_id, cycle["cycle_id"]).items():
            objective = self.objective(tenant_id, objective_id)
            if objective is not None and objective["owner_type"] == access.PERSON:
                owned[objective["owner_id"]].append((objective, review))
        return {
            person_id: self._inputs(tenant_id, cycle, person_id, found)
            for person_id, found in sorted(owned.items())
        }

    def _inputs(
        self, tenant_id: str, cycle: Doc, person_id: str, found: list[tuple[Doc, Doc]]
    ) -> tuple[dict[str, Any], list[Doc]]:
        person = self.store.load(tenant_id, "person", person_id)[1]
        spells = person["spells"] if person else []
        found = sorted(found, key=lambda pair: pair[1]["review_id"])
        finalised_at = max(review["finalised_at"] for _, review in found)
        inputs = {
            "person_id": person_id,
            "cycle_id": cycle["cycle_id"],
            "org_unit_id": person.get("org_unit_id") if person else None,
            "active_at_finalisation": active_at(spells, finalised_at),
            "finalised_at": finalised_at,
            "days_in_cycle": days_present(spells, cycle["starts_on"], cycle["ends_on"]),
            "cycle_days": cycle_days(cycle["starts_on"], cycle["ends_on"]),
            "objectives": [
                {
                    "objective_id": objective["objective_id"],
                    "review_id": review["review_id"],
                    "level": objective["level"],
                    "commitment": review["commitment"],
                    "score": review["score"],
                }
                for objective, review in found
            ],
        }
        evidence = [e for _, review in found for e in review["evidence"]]
        return inputs, evidence

    # ---- what recognition asks

    def person(self, tenant_id: str, person_id: str) -> Doc | None:
        return self.store.load(tenant_id, "person", person_id)[1]

    def org_unit(self, tenant_id: str, org_unit_id: str) -> Doc | None:
        return self.store.load(tenant_id, "org_unit", org_unit_id)[1]

    def members_of(self, tenant_id: str, org_unit_id: str) -> list[str]:
        """The active people whose unit is the org unit."""
        return sorted(
            p["person_id"]
            for p in self.store.of_tenant(tenant_id, "person")
            if p["active"] and p["org_unit_id"] == org_unit_id
        )

    def reminders(self, tenant_id: str, key_result_id: str) -> Doc | None:
        """The periods a key result was due for: `{key_result_id, dues: [{owner_id, cadence,
        period_start, period_end}]}`."""
        return self.store.load(tenant_id, "reminders", key_result_id)[1]

    def reminders_of(self, tenant_id: str, person_id: str) -> list[Doc]:
        """The reminder documents of the key results the person was due to check in on."""
        return [
            r
            for r in self.store.of_tenant(tenant_id, "reminders")
            if any(d["owner_id"] == person_id for d in r["dues"])
        ]

    def check_in_times(self, tenant_id: str, key_result_id: str) -> list[str]:
        """When each check-in of the key result was recorded."""
        log = self.store.load(tenant_id, "check_in_log", key_result_id)[1]
        return [c["recorded_at"] for c in log["check_ins"]] if log else []
