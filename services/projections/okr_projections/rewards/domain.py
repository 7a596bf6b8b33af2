"""The rewards read model: pure folds of `okr.incentives.v1` into one reward record per tenant,
cycle and person, one binding per cycle and one document per policy version; a person's rewards,
the budgets used per unit and the fairness report computed from them.

A record keeps each ledger entry of the person in the cycle once, by entry id (the award id of
an `AwardGranted`, the adjustment id of an `AwardAdjusted`), sorted by the cycle stream's
sequence: a duplicate or a replay changes nothing, and entries fold alike in any order. Each
entry keeps its points, multiplier, score, the org unit and objectives (level, commitment,
score) of its inputs, and the policy version it was computed under, so an award that arrives
before its policy or binding still counts. A person's points and multiplier in a cycle are the
sums of their entries (exact decimals).

**Fairness.** Over the awarded people of a cycle (in the reader's scope):

- distributions of points and multiplier by org unit (of the person's latest entry), objective
  level and commitment (a person counts once in every level and commitment of the objectives of
  their latest entry) and manager (as the directory knows them now): count, mean, spread
  (population standard deviation), min and max, rounded to 6 decimals;
- outliers among units: a person's *predicted* points are what the bound policy's bands give for
  their score (the band holding the score, cut to the per-person cap; 0 without a score), before
  unit budgets and the cycle cap. A unit's ratio is its points over its predicted points; the
  rest's ratio is the same over every other unit's people. A unit is flagged `above` when its
  ratio exceeds the rest's by more than `threshold` (relative: ratio / rest - 1 > threshold,
  0.2 by default), `below` when it falls short by more (ratio / rest - 1 < -threshold). Not
  compared: a unit or a rest predicted no points, a rest whose ratio is 0, or fewer than two
  units. A budget that scaled a unit down shows here: that is what leaders are to see.
"""

from __future__ import annotations

import copy
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

from okr_projections.documents import Document, Meta, new_document, tenant_key
from okr_shared.contracts.vocabulary import events_of

DIGITS = 6
THRESHOLD = 0.2
ENTRY_EVENTS = ("AwardGranted", "AwardAdjusted")
BINDING_EVENTS = ("PolicyBoundToCycle",)
POLICY_EVENTS = tuple(sorted(events_of("incentives", "reward_policy")))
NOT_PROJECTED = events_of("incentives", "payroll_export")
"""Incentive events no read model needs: payroll exports (their files are the incentive
service's)."""
ABOVE, BELOW = "above", "below"


def exact(value: float) -> Fraction:
    """The decimal a published number was written as."""
    return Fraction(repr(float(value)))


def _round(value: Fraction | float) -> float:
    return round(float(value), DIGITS)


def record_key(tenant_id: str, cycle_id: str, person_id: str) -> str:
    return f"{tenant_id}:{cycle_id}:{person_id}"


def binding_key(tenant_id: str, cycle_id: str) -> str:
    return tenant_key(tenant_id, cycle_id)


def policy_key(tenant_id: str, policy_id: str, version: int) -> str:
    return f"{tenant_id}:{policy_id}:{version}"


# ---- folds


def _entry(event_type: str, data: Mapping[str, Any], meta: Meta) -> dict[str, Any]:
    granted = event_type == "AwardGranted"
    inputs = data["inputs"]
    return {
        "entry_id": data["award_id"] if granted else data["adjustment_id"],
        "kind": "granted" if granted else "adjusted",
        "award_id": data["award_id"],
        "sequence": meta["version"],
        "points": data["points"],
        "multiplier": data["multiplier"],
        "score": data["score"],
        "badges": list(data.get("badges", [])),
        "policy_id": data["policy_id"],
        "policy_version": data["policy_version"],
        "org_unit_id": inputs["org_unit_id"],
        "objectives": [
            {"level": o["level"], "commitment": o["commitment"], "score": o["score"]}
            for o in inputs["objectives"]
        ],
        "source_event_id": None if granted else data["source_event_id"],
        "reason": None if granted else data["reason"],
        "at": meta["time"],
    }


def fold_entry(
    doc: Document | None, event_type: str, data: Mapping[str, Any], meta: Meta
) -> Document:
    """The person's record after an award entry (`doc` None before the first); an entry already
    in it changes nothing."""
    if event_type not in ENTRY_EVENTS:
        raise ValueError(f"{event_type} is no ledger entry")
    entry = _entry(event_type, data, meta)
    if doc is None:
        key = record_key(meta["tenant_id"], data["cycle_id"], data["person_id"])
        doc = new_document(
            key, meta, {"cycle_id": data["cycle_id"], "person_id": data["person_id"], "entries": []}
        )
    elif any(e["entry_id"] == entry["entry_id"] for e in doc["entries"]):
        return doc
    doc = copy.deepcopy(doc)
    doc["entries"] = sorted([*doc["entries"], entry], key=lambda e: (e["sequence"], e["entry_id"]))
    return doc


def binding_doc(data: Mapping[str, Any], meta: Meta) -> Document:
    """The cycle's binding (written once: a cycle is bound to one policy version)."""
    return new_document(
        binding_key(meta["tenant_id"], data["cycle_id"]),
        meta,
        {
            "cycle_id": data["cycle_id"],
            "policy_id": data["policy_id"],
            "policy_version": data["policy_version"],
            "reason": data["reason"],
            "version": meta["version"],
        },
    )


def policy_doc(data: Mapping[str, Any], meta: Meta) -> Document:
    """What the read model keeps of a policy version: bands, caps and budgets."""
    return new_document(
        policy_key(meta["tenant_id"], data["policy_id"], data["version"]),
        meta,
        {
            "policy_id": data["policy_id"],
            "policy_version": data["version"],
            "bands": copy.deepcopy(data["bands"]),
            "caps": dict(data["caps"]),
            "budgets": dict(data["budgets"]),
            "version": meta["version"],
        },
    )


# ---- a person's awards


def totals(entries: Iterable[Mapping[str, Any]]) -> tuple[int, float]:
    """Points and multiplier a list of entries adds up to (the multiplier exactly)."""
    found = list(entries)
    return sum(e["points"] for e in found), float(
        sum((exact(e["multiplier"]) for e in found), Fraction(0))
    )


def latest(record: Mapping[str, Any]) -> Mapping[str, Any]:
    return record["entries"][-1]


def policy_of(record: Mapping[str, Any]) -> tuple[str, int]:
    entry = latest(record)
    return entry["policy_id"], entry["policy_version"]


def person_rewards(person_id: str, records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The person's entries per cycle (by cycle id) and their balance, the sum of every entry."""
    cycles = []
    for record in sorted(records, key=lambda r: r["cycle_id"]):
        points, multiplier = totals(record["entries"])
        policy_id, policy_version = policy_of(record)
        cycles.append(
            {
                "cycle_id": record["cycle_id"],
                "award_id": latest(record)["award_id"],
                "policy_id": policy_id,
                "policy_version": policy_version,
                "points": points,
                "multiplier": multiplier,
                "entries": [
                    {k: v for k, v in e.items() if k not in ("objectives", "sequence")}
                    for e in record["entries"]
                ],
            }
        )
    return {
        "person_id": person_id,
        "cycles": cycles,
        "balance": {"points": sum(c["points"] for c in cycles)},
    }


# ---- budgets


def budgets(
    records: Iterable[Mapping[str, Any]],
    policy: Mapping[str, Any] | None,
    visible: Callable[[str | None], bool],
) -> list[dict[str, Any]]:
    """Per org unit the reader may see (of an entry's inputs, or with a budget): the policy's
    budget, the points granted and adjusted, and what remains (None without a budget)."""
    granted: defaultdict[str | None, int] = defaultdict(int)
    adjusted: defaultdict[str | None, int] = defaultdict(int)
    people: defaultdict[str | None, set[str]] = defaultdict(set)
    for record in records:
        for entry in record["entries"]:
            unit = entry["org_unit_id"]
            (granted if entry["kind"] == "granted" else adjusted)[unit] += entry["points"]
            people[unit].add(record["person_id"])
    limits = dict((policy or {}).get("budgets", {}))
    units = set(granted) | set(adjusted) | set(limits)
    rows = []
    for unit in sorted(units, key=lambda u: (u is None, u or "")):
        if not visible(unit):
            continue
        budget = limits.get(unit) if unit is not None else None
        used = granted[unit] + adjusted[unit]
        rows.append(
            {
                "org_unit_id": unit,
                "budget": budget,
                "people": len(people[unit]),
                "granted": granted[unit],
                "adjusted": adjusted[unit],
                "used": used,
                "remaining": None if budget is None else budget - used,
            }
        )
    return rows


# ---- fairness


def predicted_points(policy: Mapping[str, Any] | None, score: float | None) -> int | None:
    """What the policy's bands give for the score, cut to the per-person cap (0 without a score;
    None without the policy)."""
    if policy is None:
        return None
    if score is None:
        return 0
    bands = policy["bands"]
    s = exact(score)
    band = next(
        (b for b in bands if exact(b["from"]) <= s < exact(b["to"])),
        bands[-1],
    )
    cap = policy["caps"].get("per_person")
    return band["points"] if cap is None else min(band["points"], cap)


def stats(values: list[float]) -> dict[str, Any]:
    """Count, mean, spread (population standard deviation), min and max, exactly then rounded."""
    if not values:
        return {"count": 0, "mean": None, "spread": None, "min": None, "max": None}
    exacts = [exact(v) for v in values]
    mean = sum(exacts, Fraction(0)) / len(exacts)
    variance = sum(((v - mean) ** 2 for v in exacts), Fraction(0)) / len(exacts)
    return {
        "count": len(values),
        "mean": _round(mean),
        "spread": _round(math.sqrt(variance)),
        "min": float(min(exacts)),
        "max": float(max(exacts)),
    }


def awarded(
    records: Iterable[Mapping[str, Any]],
    policy: Mapping[str, Any] | None,
    managers: Mapping[str, str | None],
) -> list[dict[str, Any]]:
    """Each awarded person's points, multiplier, unit, levels, commitments, manager and predicted
    points."""
    people = []
    for record in sorted(records, key=lambda r: r["person_id"]):
        points, multiplier = totals(record["entries"])
        last = latest(record)
        score = last["score"]
        people.append(
            {
                "person_id": record["person_id"],
                "points": points,
                "multiplier": multiplier,
                "org_unit_id": last["org_unit_id"],
                "levels": sorted({o["level"] for o in last["objectives"]}),
                "commitments": sorted({o["commitment"] for o in last["objectives"]}),
                "manager_id": managers.get(record["person_id"]),
                "score": score,
                "predicted": predicted_points(policy, score),
            }
        )
    return people


def _groups(people: list[dict[str, Any]], keys_of: Callable[[dict[str, Any]], list[Any]]) -> list:
    grouped: defaultdict[Any, list[dict[str, Any]]] = defaultdict(list)
    for person in people:
        for key in keys_of(person):
            grouped[key].append(person)
    return [
        {
            "key": key,
            "points": stats([p["points"] for p in members]),
            "multiplier": stats([p["multiplier"] for p in members]),
        }
        for key, members in sorted(grouped.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))
    ]


def _ratio(people: list[dict[str, Any]]) -> tuple[int, int, Fraction | None]:
    points = sum(p["points"] for p in people)
    predicted = sum(p["predicted"] or 0 for p in people)
    return points, predicted, Fraction(points, predicted) if predicted else None


def outliers(people: list[dict[str, Any]], threshold: float = THRESHOLD) -> list[dict[str, Any]]:
    """Every unit's ratio of points to predicted points against the rest's, flagged by the rule
    of the module's docstring."""
    if any(p["predicted"] is None for p in people):
        return []
    units = sorted({p["org_unit_id"] for p in people}, key=lambda u: (u is None, u or ""))
    limit = exact(threshold)
    rows = []
    for unit in units:
        mine = [p for p in people if p["org_unit_id"] == unit]
        rest = [p for p in people if p["org_unit_id"] != unit]
        points, predicted, ratio = _ratio(mine)
        _, _, rest_ratio = _ratio(rest)
        deviation = (
            ratio / rest_ratio - 1 if len(units) > 1 and ratio is not None and rest_ratio else None
        )
        flag = None
        if deviation is not None and deviation > limit:
            flag = ABOVE
        elif deviation is not None and deviation < -limit:
            flag = BELOW
        rows.append(
            {
                "org_unit_id": unit,
                "people": len(mine),
                "points": points,
                "predicted_points": predicted,
                "ratio": None if ratio is None else _round(ratio),
                "rest_ratio": None if rest_ratio is None else _round(rest_ratio),
                "deviation": None if deviation is None else _round(deviation),
                "flag": flag,
            }
        )
    return rows


def fairness(
    records: Iterable[Mapping[str, Any]],
    policy: Mapping[str, Any] | None,
    managers: Mapping[str, str | None],
    threshold: float = THRESHOLD,
) -> dict[str, Any]:
    """The distributions of the awards by unit, level, commitment and manager, and every unit's
    comparison with the rest, flagged."""
    people = awarded(records, policy, managers)
    units = outliers(people, threshold)
    return {
        "people": len(people),
        "threshold": threshold,
        "overall": {
            "points": stats([p["points"] for p in people]),
            "multiplier": stats([p["multiplier"] for p in people]),
        },
        "by_org_unit": _groups(people, lambda p: [p["org_unit_id"]]),
        "by_level": _groups(people, lambda p: p["levels"]),
        "by_commitment": _groups(people, lambda p: p["commitments"]),
        "by_manager": _groups(people, lambda p: [p["manager_id"]]),
        "units": units,
        "outliers": [u for u in units if u["flag"] is not None],
    }
