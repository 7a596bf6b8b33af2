"""Binding a policy to a finalised cycle and recording its awards; compensating them after a
review event; dry runs; a person's ledger and an award's evidence."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from okr_incentives import keys
from okr_incentives.awards.commands import BindPolicy, Simulate
from okr_incentives.awards.domain import (
    CycleAwards,
    compute_award,
    difference,
    entry_total,
    plan,
)
from okr_incentives.knowledge.domain import Doc
from okr_incentives.knowledge.handlers import Knowledge
from okr_incentives.knowledge.refusals import confirms_refusals
from okr_incentives.policies.domain import PolicyNotFound
from okr_incentives.policies.handlers import PolicyHandlers
from okr_incentives.store import IncentivesStore
from okr_shared.access import AUDITOR
from okr_shared.clock import Clock
from okr_shared.errors import Conflict, Forbidden, InvalidField, NotFound, UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class CycleNotFinalised(Conflict):
    title = "Cycle review not finalised"
    kind = "cycle-not-finalised"


class AwardNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("award", key)


class AwardHandlers:
    """The awards of each cycle, under the policy bound to it."""

    def __init__(
        self,
        store: IncentivesStore,
        knowledge: Knowledge,
        policies: PolicyHandlers,
        clock: Clock,
    ) -> None:
        self.store = store
        self.knowledge = knowledge
        self.policies = policies
        self.clock = clock

    def awards_of(self, tenant_id: str, cycle_id: str) -> CycleAwards | None:
        uid = keys.cycle_awards_uuid(tenant_id, cycle_id)
        return self.store.find(CycleAwards, uid, tenant_id)

    # ---- binding

    @confirms_refusals
    def bind(self, command: BindPolicy, caller: Caller) -> CycleAwards:
        """Binds the policy version to the cycle and grants every eligible person's award; admins
        only, once the cycle's review is finalised. Binding the same version again records
        nothing; another one is refused."""
        if not caller.is_admin:
            raise Forbidden("#", "only an admin binds a reward policy to a cycle")
        if not command.reason.strip():
            raise InvalidField("#/reason", "binding a policy needs a reason")
        tenant = caller.tenant_id
        found = self.policies.find(tenant, command.policy_id)
        if found is None or found.current_version == 0:
            raise UnknownReference("#/policy_id", f"no reward policy {command.policy_id}")
        if not 0 < command.policy_version <= found.current_version:
            raise UnknownReference(
                "#/policy_version", f"the policy has versions 1 to {found.current_version}"
            )
        cycle = self._finalised_cycle(tenant, command.cycle_id)
        uid = keys.cycle_awards_uuid(tenant, command.cycle_id)
        awards = self.awards_of(tenant, command.cycle_id) or CycleAwards.open(
            uid, tenant, command.cycle_id
        )
        meta = event_meta(caller, self.clock.now())
        if awards.bind(command.policy_id, command.policy_version, command.reason.strip(), meta):
            self._grant_all(awards, cycle, meta)
            self.store.save_or_conflict(awards)
        return awards

    def _finalised_cycle(self, tenant_id: str, cycle_id: str) -> Doc:
        cycle = self.knowledge.cycle(tenant_id, cycle_id)
        if cycle is None:
            self.knowledge.refuse(NotFound("cycle", cycle_id))
        open_ = self.knowledge.unfinalised(tenant_id, cycle_id)
        if not self.knowledge.graded_objectives(tenant_id, cycle_id) or open_:
            detail = (
                f"{len(open_)} graded objective(s) of the cycle have no finalised review yet"
                if open_
                else "the cycle has no graded objective with a finalised review"
            )
            self.knowledge.refuse(CycleNotFinalised("path:cycle_id", detail))
        return cycle

    def _grant_all(self, awards: CycleAwards, cycle: Doc, meta: dict[str, Any]) -> None:
        policy = self._bound_policy(awards)
        people = self.knowledge.award_inputs(awards.tenant_id, cycle)
        planned = plan(policy, [inputs for inputs, _ in people.values()])
        for inputs, award in planned:
            if award["eligible"]:
                award_id = keys.award_uuid(awards.tenant_id, awards.cycle_id, inputs["person_id"])
                evidence = people[inputs["person_id"]][1]
                awards.grant(str(award_id), inputs, award, evidence, meta)

    def _bound_policy(self, awards: CycleAwards) -> dict[str, Any]:
        binding = awards.binding or {}
        found = self.policies.find(awards.tenant_id, binding["policy_id"])
        if found is None:
            raise PolicyNotFound(binding["policy_id"])
        return found.policy(binding["policy_version"])

    # ---- following the reviews (the consumer's idempotent command)

    def review_learned(
        self,
        tenant_id: str,
        cycle_id: str,
        evidence: dict[str, Any],
        reason: str,
        meta: dict[str, Any],
    ) -> bool:
        """After a finalisation or correction learned once the cycle is bound: grants the award
        of a person who had none, or records the difference as a compensating entry linked to the
        event. Nothing when the cycle is not bound or the awards already stand on the event."""
        awards = self.awards_of(tenant_id, cycle_id)
        cycle = self.knowledge.cycle(tenant_id, cycle_id)
        review = self.knowledge.review(tenant_id, evidence["review_id"])
        if awards is None or awards.binding is None or cycle is None or review is None:
            return False
        objective = self.knowledge.objective(tenant_id, review["objective_id"])
        people = self.knowledge.award_inputs(tenant_id, cycle)
        if objective is None or objective["owner_id"] not in people:
            return False
        person_id = objective["owner_id"]
        if evidence["event_id"] in awards.sources_of(person_id):
            return False
        meta = {**meta, "at": self.clock.now().isoformat()}
        if not self._record(awards, people, person_id, evidence, reason, meta):
            return False
        self.store.save_or_conflict(awards)
        return True

    def _record(
        self,
        awards: CycleAwards,
        people: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]],
        person_id: str,
        evidence: dict[str, Any],
        reason: str,
        meta: dict[str, Any],
    ) -> bool:
        inputs, stood_on = people[person_id]
        policy = self._bound_policy(awards)
        granted = awards.awards.get(person_id)
        if granted is None:
            everyone = [found for found, _ in people.values()]
            planned = {i["person_id"]: (i, a) for i, a in plan(policy, everyone)}
            complete, award = planned[person_id]
            if not award["eligible"]:
                return False
            award_id = keys.award_uuid(awards.tenant_id, awards.cycle_id, person_id)
            awards.grant(str(award_id), complete, award, stood_on, meta)
            return True
        fixed = granted["entries"][0]["inputs"]
        totals = {k: fixed[k] for k in ("unit_requested", "cycle_requested")}
        complete = {**inputs, **totals}
        adjustment_id = keys.adjustment_uuid(granted["award_id"], evidence["event_id"])
        return awards.adjust(
            str(adjustment_id),
            complete,
            compute_award(policy, complete),
            stood_on,
            evidence["event_id"],
            reason,
            meta,
        )

    # ---- dry run

    @confirms_refusals
    def simulate(self, command: Simulate, caller: Caller) -> dict[str, Any]:
        """What the policy version would award in the cycle by person and unit, from the reviews
        finalised so far; stores nothing. Admins and auditors."""
        if not (caller.is_admin or AUDITOR in caller.roles):
            raise Forbidden("#", "only an admin or an auditor runs a policy's dry run")
        version, policy = self.policies.version_of(
            caller.tenant_id, command.policy_id, command.policy_version
        )
        cycle = self.knowledge.cycle(caller.tenant_id, command.cycle_id)
        if cycle is None:
            self.knowledge.refuse(NotFound("cycle", command.cycle_id))
        people = self.knowledge.award_inputs(caller.tenant_id, cycle)
        planned = plan(policy, [inputs for inputs, _ in people.values()])
        units: defaultdict[str, dict[str, Any]] = defaultdict(
            lambda: {"people": 0, "eligible": 0, "requested_points": 0, "points": 0}
        )
        for inputs, award in planned:
            unit = units[inputs["org_unit_id"] or ""]
            unit["people"] += 1
            if award["eligible"]:
                unit["eligible"] += 1
                unit["requested_points"] += award["requested_points"]
                unit["points"] += award["points"]
        return {
            "policy_id": command.policy_id,
            "policy_version": version,
            "cycle_id": command.cycle_id,
            "finalised": not self.knowledge.unfinalised(caller.tenant_id, command.cycle_id),
            "people": [{**award, **inputs} for inputs, award in planned],
            "units": [
                {"org_unit_id": unit or None, "budget": policy["budgets"].get(unit), **totals}
                for unit, totals in sorted(units.items())
            ],
            "points": sum(a["points"] for _, a in planned),
        }

    # ---- reads

    def binding(self, caller: Caller, cycle_id: str) -> CycleAwards:
        awards = self.awards_of(caller.tenant_id, cycle_id)
        if awards is None or awards.binding is None:
            raise NotFound("policy binding of cycle", cycle_id)
        return awards

    @confirms_refusals
    def ledger(self, caller: Caller, person_id: str) -> dict[str, Any]:
        """The person's entries over every cycle and their balance; the person, managers above
        them, admins and auditors."""
        if not self.knowledge.may_see_awards_of(caller, person_id):
            self.knowledge.refuse(
                Forbidden("path:person_id", "only the person, their managers, admins and auditors")
            )
        entries, cycles = [], []
        for cycle in self.knowledge.cycles(caller.tenant_id):
            awards = self.awards_of(caller.tenant_id, cycle["cycle_id"])
            found = awards.awards.get(person_id) if awards else None
            if awards is None or found is None or awards.binding is None:
                continue
            points, multiplier = entry_total(found["entries"])
            cycles.append(
                {
                    "cycle_id": awards.cycle_id,
                    "award_id": found["award_id"],
                    "points": points,
                    "multiplier": multiplier,
                }
            )
            entries += [self._entry(awards, found["award_id"], e) for e in found["entries"]]
        return {
            "person_id": person_id,
            "balance": {"points": sum(e["points"] for e in entries)},
            "cycles": cycles,
            "entries": entries,
        }

    def _entry(self, awards: CycleAwards, award_id: str, entry: dict[str, Any]) -> dict[str, Any]:
        binding = awards.binding or {}
        return {
            **{k: v for k, v in entry.items() if k not in ("inputs", "evidence")},
            "award_id": award_id,
            "cycle_id": awards.cycle_id,
            "policy_id": binding["policy_id"],
            "policy_version": binding["policy_version"],
        }

    @confirms_refusals
    def evidence(self, caller: Caller, award_id: str) -> dict[str, Any]:
        """The award's entries with their inputs, the review events each stands on and each
        recomputed from its inputs; not found unless the caller may see the person's awards."""
        for cycle in self.knowledge.cycles(caller.tenant_id):
            awards = self.awards_of(caller.tenant_id, cycle["cycle_id"])
            for person_id, found in (awards.awards if awards else {}).items():
                if found["award_id"] == award_id and awards is not None:
                    if not self.knowledge.may_see_awards_of(caller, person_id):
                        self.knowledge.refuse(AwardNotFound(award_id))
                    return self._chain(awards, person_id, found)
        self.knowledge.refuse(AwardNotFound(award_id))

    def _chain(self, awards: CycleAwards, person_id: str, found: dict[str, Any]) -> dict[str, Any]:
        policy = self._bound_policy(awards)
        entries = []
        for entry in found["entries"]:
            again = compute_award(policy, entry["inputs"])
            previous = entry["previous"] or {"points": 0, "multiplier": 0.0}
            recomputed = {
                "points": again["points"] - previous["points"],
                "multiplier": difference(again["multiplier"], previous["multiplier"]),
            }
            matches = recomputed == {"points": entry["points"], "multiplier": entry["multiplier"]}
            entries.append(
                {
                    **self._entry(awards, found["award_id"], entry),
                    "inputs": entry["inputs"],
                    "evidence": entry["evidence"],
                    "recomputed": recomputed,
                    "matches": matches,
                }
            )
        points, multiplier = entry_total(found["entries"])
        return {
            "award_id": found["award_id"],
            "person_id": person_id,
            "cycle_id": awards.cycle_id,
            "policy_id": awards.binding["policy_id"] if awards.binding else "",
            "policy_version": awards.binding["policy_version"] if awards.binding else 0,
            "points": points,
            "multiplier": multiplier,
            "entries": entries,
        }
