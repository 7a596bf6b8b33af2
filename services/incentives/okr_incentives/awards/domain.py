"""Awards of a cycle under its bound reward policy: pure computation and the ledger aggregate.

The inputs of one person's award (plain data, published with it):
`{person_id, cycle_id, org_unit_id, active_at_finalisation, finalised_at, days_in_cycle,
cycle_days, objectives: [{objective_id, review_id, level, commitment, score}], unit_requested,
cycle_requested}`.

`compute_award(policy, inputs)`:
1. Eligible when active in the directory at finalisation, in the company at least the policy's
   `min_days_in_cycle` days of the cycle, with a finalised objective of a counted level whose
   weight (level factor x commitment factor) is above 0.
2. The person's score is the weighted mean of those objectives' scores; its band gives the
   points (cut to the `per_person` cap) and the multiplier.
3. Budgets scale down, never refuse: when the points the person's unit asks for
   (`unit_requested`, after per-person caps) exceed the unit's budget, every award of the unit
   is scaled by budget / asked, rounded down; then, when the cycle's total after unit budgets
   (`cycle_requested`) exceeds the `per_cycle` cap, every award is scaled by cap / total,
   rounded down. So a unit's and a cycle's awards never exceed its budget or cap when granted.

`plan(policy, people)` computes the totals over every person of a cycle and each award.
A correction later recomputes one person's award with the totals fixed at binding: only the
corrected person's award changes (by a compensating entry), so a unit may end above its
budget by corrections; they are visible in the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_incentives.policies.domain import Policy, exact
from okr_shared.errors import Conflict

Inputs = dict[str, Any]
Award = dict[str, Any]

LEFT = "not-active-at-finalisation"
TOO_FEW_DAYS = "too-few-days-in-cycle"
NO_OBJECTIVE = "no-counted-objective"


class AlreadyBound(Conflict):
    title = "Policy already bound"
    kind = "policy-already-bound"


def weight_of(policy: Policy, objective: dict[str, Any]) -> Fraction:
    return exact(policy["level_factors"][objective["level"]]) * exact(
        policy["commitment_factors"][objective["commitment"]]
    )


def person_score(policy: Policy, objectives: list[dict[str, Any]]) -> Fraction | None:
    """The weighted mean of the counted objectives' scores; None when nothing carries weight."""
    levels = policy["eligibility"]["levels"]
    parts = [(exact(o["score"]), weight_of(policy, o)) for o in objectives if o["level"] in levels]
    total = sum((w for _, w in parts), Fraction(0))
    if total == 0:
        return None
    return sum((s * w for s, w in parts), Fraction(0)) / total


def band_of(policy: Policy, score: Fraction) -> int:
    """The index of the band holding the score (the last band holds 1.0)."""
    bands = policy["bands"]
    for i, band in enumerate(bands):
        if exact(band["from"]) <= score < exact(band["to"]):
            return i
    return len(bands) - 1


def reasons_against(policy: Policy, inputs: Inputs) -> list[str]:
    """Why the person is not eligible (empty when eligible)."""
    reasons = []
    if not inputs["active_at_finalisation"]:
        reasons.append(LEFT)
    if inputs["days_in_cycle"] < policy["eligibility"]["min_days_in_cycle"]:
        reasons.append(TOO_FEW_DAYS)
    if person_score(policy, inputs["objectives"]) is None:
        reasons.append(NO_OBJECTIVE)
    return reasons


def requested(policy: Policy, inputs: Inputs) -> Award:
    """Eligibility, score, band, the points asked for (after the per-person cap) and the
    multiplier, before budgets and the cycle cap."""
    reasons = reasons_against(policy, inputs)
    score = person_score(policy, inputs["objectives"])
    if reasons or score is None:
        return {"eligible": False, "reasons": reasons, "score": None, "band": None}
    band = band_of(policy, score)
    points = policy["bands"][band]["points"]
    cap = policy["caps"]["per_person"]
    return {
        "eligible": True,
        "reasons": [],
        "score": round(float(score), 6),
        "band": band,
        "requested_points": points if cap is None else min(points, cap),
        "multiplier": policy["bands"][band]["multiplier"],
    }


def _scaled(points: int, limit: int | None, asked: int) -> int:
    if limit is None or asked <= limit:
        return points
    return int(Fraction(points * limit, asked))


def after_unit_budget(policy: Policy, inputs: Inputs, points: int) -> int:
    budget = policy["budgets"].get(inputs["org_unit_id"] or "")
    return _scaled(points, budget, inputs["unit_requested"])


def compute_award(policy: Policy, inputs: Inputs) -> Award:
    """The award the policy gives for the inputs (pure: the same inputs give the same award)."""
    award = requested(policy, inputs)
    if not award["eligible"]:
        return {**award, "points": 0, "multiplier": 0.0}
    points = after_unit_budget(policy, inputs, award["requested_points"])
    points = _scaled(points, policy["caps"]["per_cycle"], inputs["cycle_requested"])
    return {**award, "points": points}


def plan(policy: Policy, people: list[Inputs]) -> list[tuple[Inputs, Award]]:
    """Every person's inputs completed with the unit's and the cycle's totals, and their award."""
    asked = {p["person_id"]: requested(policy, p) for p in people}
    by_unit: defaultdict[str, int] = defaultdict(int)
    for p in people:
        if asked[p["person_id"]]["eligible"]:
            by_unit[p["org_unit_id"] or ""] += asked[p["person_id"]]["requested_points"]
    cycle_total = 0
    for p in people:
        if asked[p["person_id"]]["eligible"]:
            unit = {**p, "unit_requested": by_unit[p["org_unit_id"] or ""]}
            cycle_total += after_unit_budget(
                policy, unit, asked[p["person_id"]]["requested_points"]
            )
    planned = []
    for p in people:
        complete = {
            **p,
            "unit_requested": by_unit.get(p["org_unit_id"] or "", 0),
            "cycle_requested": cycle_total,
        }
        planned.append((complete, compute_award(policy, complete)))
    return planned


def difference(a: float, b: float) -> float:
    """a - b, exactly as the decimals were written."""
    return float(exact(a) - exact(b))


def entry_total(entries: list[dict[str, Any]]) -> tuple[int, float]:
    """The points and the multiplier a list of ledger entries adds up to."""
    points = sum(e["points"] for e in entries)
    multiplier = sum((exact(e["multiplier"]) for e in entries), Fraction(0))
    return points, float(multiplier)


class CycleAwards(Aggregate):
    """The awards of one cycle: the policy bound to it, each person's award and the entries that
    compensate it. One aggregate, because budgets and caps span the whole cycle."""

    @event("Opened")
    def __init__(self, tenant_id: str, cycle_id: str) -> None:
        self.tenant_id = tenant_id
        self.cycle_id = cycle_id
        self.binding: dict[str, Any] | None = None
        self.awards: dict[str, dict[str, Any]] = {}
        """By person: the award id and its entries (the grant, then each adjustment)."""

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, cycle_id: str) -> CycleAwards:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id, cycle_id=cycle_id)

    def bind(self, policy_id: str, policy_version: int, reason: str, meta: dict[str, Any]) -> bool:
        """Binds the policy version; False (nothing recorded) when it is bound already."""
        if self.binding is not None:
            if (self.binding["policy_id"], self.binding["policy_version"]) == (
                policy_id,
                policy_version,
            ):
                return False
            raise AlreadyBound(
                "#/policy_id",
                f"the cycle is bound to {self.binding['policy_id']} version "
                f"{self.binding['policy_version']}; awards are never recomputed under another",
            )
        self._bound(
            cycle_id=self.cycle_id,
            policy_id=policy_id,
            policy_version=policy_version,
            reason=reason,
            meta=meta,
        )
        return True

    @event("PolicyBound")
    def _bound(
        self, cycle_id: str, policy_id: str, policy_version: int, reason: str, meta: dict[str, Any]
    ) -> None:
        self.binding = {
            "policy_id": policy_id,
            "policy_version": policy_version,
            "reason": reason,
            "by": meta["actor_id"],
            "at": meta["at"],
        }

    def sources_of(self, person_id: str) -> set[str]:
        """The ids of the review events the person's entries already stand on."""
        found = self.awards.get(person_id)
        return (
            {e["event_id"] for entry in found["entries"] for e in entry["evidence"]}
            if found
            else set()
        )

    def total_of(self, person_id: str) -> tuple[int, float]:
        found = self.awards.get(person_id)
        return entry_total(found["entries"]) if found else (0, 0.0)

    def grant(
        self,
        award_id: str,
        inputs: Inputs,
        award: Award,
        evidence: list[dict[str, Any]],
        meta: dict[str, Any],
    ) -> None:
        self._granted(
            **self._keys(),
            award_id=award_id,
            person_id=inputs["person_id"],
            points=award["points"],
            multiplier=award["multiplier"],
            score=award["score"],
            badges=[],
            inputs=inputs,
            evidence=evidence,
            meta=meta,
        )

    def _keys(self) -> dict[str, Any]:
        """What every award event names: the cycle and the policy version it is bound to."""
        binding = self.binding or {}
        return {
            "cycle_id": self.cycle_id,
            "policy_id": binding["policy_id"],
            "policy_version": binding["policy_version"],
        }

    @event("Granted")
    def _granted(
        self,
        cycle_id: str,
        policy_id: str,
        policy_version: int,
        award_id: str,
        person_id: str,
        points: int,
        multiplier: float,
        score: float,
        badges: list[str],
        inputs: Inputs,
        evidence: list[dict[str, Any]],
        meta: dict[str, Any],
    ) -> None:
        entry = {
            "kind": "granted",
            "entry_id": award_id,
            "points": points,
            "multiplier": multiplier,
            "score": score,
            "badges": badges,
            "inputs": inputs,
            "evidence": evidence,
            "previous": None,
            "source_event_id": None,
            "reason": self.binding["reason"] if self.binding else None,
            "at": meta["at"],
        }
        self.awards = {**self.awards, person_id: {"award_id": award_id, "entries": [entry]}}

    def adjust(
        self,
        adjustment_id: str,
        inputs: Inputs,
        award: Award,
        evidence: list[dict[str, Any]],
        source_event_id: str,
        reason: str,
        meta: dict[str, Any],
    ) -> bool:
        """Records the difference between the recomputed award and the person's entries so far;
        False (nothing recorded) when there is none."""
        person_id = inputs["person_id"]
        points, multiplier = self.total_of(person_id)
        delta_points = award["points"] - points
        delta_multiplier = difference(award["multiplier"], multiplier)
        if delta_points == 0 and delta_multiplier == 0:
            return False
        self._adjusted(
            **self._keys(),
            adjustment_id=adjustment_id,
            award_id=self.awards[person_id]["award_id"],
            person_id=person_id,
            points=delta_points,
            multiplier=delta_multiplier,
            score=award["score"],
            previous={"points": points, "multiplier": multiplier},
            inputs=inputs,
            evidence=evidence,
            source_event_id=source_event_id,
            reason=reason,
            meta=meta,
        )
        return True

    @event("Adjusted")
    def _adjusted(
        self,
        cycle_id: str,
        policy_id: str,
        policy_version: int,
        adjustment_id: str,
        award_id: str,
        person_id: str,
        points: int,
        multiplier: float,
        score: float | None,
        previous: dict[str, Any],
        inputs: Inputs,
        evidence: list[dict[str, Any]],
        source_event_id: str,
        reason: str,
        meta: dict[str, Any],
    ) -> None:
        entry = {
            "kind": "adjusted",
            "entry_id": adjustment_id,
            "points": points,
            "multiplier": multiplier,
            "score": score,
            "badges": [],
            "inputs": inputs,
            "evidence": evidence,
            "previous": previous,
            "source_event_id": source_event_id,
            "reason": reason,
            "at": meta["at"],
        }
        found = self.awards[person_id]
        self.awards = {
            **self.awards,
            person_id: {**found, "entries": [*found["entries"], entry]},
        }
