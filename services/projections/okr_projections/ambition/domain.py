"""The ambition read model: pure folds of finalised reviews into one record per tenant, cycle and
objective, the history computed from the records, and who may see whose history.

A record keeps the objective's final score (the `ReviewFinalised` score, moved by every admin
correction after it: `KeyResultScored` of kind correction carries the objective's score after
it), its commitment and its owner at finalisation (owner type and id, and the objective's org
unit: the owning unit, or the unit the goal service gave a person's objective). The score of the
highest review version wins, so duplicates, replays and any order of arrival fold alike; a
correction that arrives before its finalisation is kept and counts once the finalisation is in.

The history of a set of records, per cycle and overall: the count, the mean score, the share of
1.0 scores among aspirational objectives (sandbagging: perfect scores on goals meant to stretch)
and the share of misses (below 1.0) among committed ones. Arithmetic is exact (fractions of the
published scores), rounded to 6 decimals at the end; a share of no objectives is None.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from okr_projections.documents import Document, Meta, new_document
from okr_projections.objectives.visibility import Reader, can_read_work_of
from okr_shared import access
from okr_shared.contracts.vocabulary import COMMITMENTS, SCORE_KINDS, choose

DIGITS = 6
COMMITTED, ASPIRATIONAL = choose(COMMITMENTS, "committed", "aspirational")
AFTER_FINAL_KINDS = choose(SCORE_KINDS, "correction")
"""Kinds of `KeyResultScored` that change a final score (admin corrections after finalisation)."""
AMBITION_EVENTS = ("ReviewFinalised", "KeyResultScored")
OWNER_FIELDS = ("owner_type", "owner_id", "org_unit_id")


def record_key(tenant_id: str, objective_id: str, cycle_id: str) -> str:
    """The `_id` of the record of an objective's review in a cycle."""
    return f"{tenant_id}:{objective_id}:{cycle_id}"


def follows(event_type: str, data: Mapping[str, Any]) -> bool:
    """Whether the event sets or moves a final score."""
    if event_type == "ReviewFinalised":
        return True
    return event_type == "KeyResultScored" and data.get("kind") in AFTER_FINAL_KINDS


def owner_of(objective: Document | None) -> dict[str, Any] | None:
    """The owner fields of an objective document; None while the objective is not projected."""
    if objective is None:
        return None
    return {k: objective.get(k) for k in OWNER_FIELDS}


def with_owner(doc: Document, owner: Mapping[str, Any] | None) -> Document:
    """The record with its owner, set once: the first owner known stays."""
    if owner is None or doc["owner_known"]:
        return doc
    return {**doc, **{k: owner.get(k) for k in OWNER_FIELDS}, "owner_known": True}


def _new_record(data: Mapping[str, Any], meta: Meta) -> Document:
    return new_document(
        record_key(meta["tenant_id"], data["objective_id"], data["cycle_id"]),
        meta,
        {
            "objective_id": data["objective_id"],
            "cycle_id": data["cycle_id"],
            "review_id": data["review_id"],
            "commitment": None,
            "finalised": False,
            "finalised_version": None,
            "score": None,
            "score_version": None,
            **dict.fromkeys(OWNER_FIELDS),
            "owner_known": False,
            "rev": 0,
        },
    )


def fold(
    doc: Document | None,
    event_type: str,
    data: Mapping[str, Any],
    meta: Meta,
    owner: Mapping[str, Any] | None = None,
) -> Document:
    """The record after a finalisation or correction (`doc` None before the first); the score of
    the highest version stands, and `owner` is taken if the record has none yet."""
    if not follows(event_type, data):
        raise ValueError(f"{event_type} ({data.get('kind')}) sets no final score")
    doc = copy.deepcopy(doc) if doc is not None else _new_record(data, meta)
    version = meta["version"]
    if event_type == "ReviewFinalised":
        doc["finalised"], doc["commitment"] = True, data["commitment"]
        doc["finalised_version"] = max(version, doc["finalised_version"] or 0)
        score = data["score"]
    else:
        score = data["objective_score"]
    if doc["score_version"] is None or version > doc["score_version"]:
        doc["score"], doc["score_version"] = score, version
    return with_owner(doc, owner)


def _share(part: int, whole: int) -> float | None:
    return round(float(Fraction(part, whole)), DIGITS) if whole else None


def summary(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Count and mean score of finalised records, perfect scores among the aspirational ones and
    misses among the committed ones."""
    found = [r for r in records if r["finalised"]]
    scores = [Fraction(repr(float(r["score"]))) for r in found]
    aspirational = [s for s, r in zip(scores, found, strict=True) if r["commitment"] != COMMITTED]
    committed = [s for s, r in zip(scores, found, strict=True) if r["commitment"] == COMMITTED]
    perfect = sum(1 for s in aspirational if s == 1)
    missed = sum(1 for s in committed if s < 1)
    mean = sum(scores, Fraction(0)) / len(scores) if scores else None
    return {
        "count": len(found),
        "mean_score": None if mean is None else round(float(mean), DIGITS),
        "aspirational": {
            "count": len(aspirational),
            "perfect": perfect,
            "perfect_share": _share(perfect, len(aspirational)),
        },
        "committed": {
            "count": len(committed),
            "missed": missed,
            "missed_share": _share(missed, len(committed)),
        },
    }


def _cycle_order(cycle_id: str, cycle: Mapping[str, Any] | None) -> tuple[bool, str, str]:
    starts_on = (cycle or {}).get("starts_on")
    return (starts_on is None, starts_on or "", cycle_id)


def history(
    records: Iterable[Mapping[str, Any]], cycles: Mapping[str, Mapping[str, Any] | None]
) -> dict[str, Any]:
    """The summary per cycle (oldest start first; cycles not projected yet last, by id) with the
    cycle's name and dates, and over all of them."""
    found = [r for r in records if r["finalised"]]
    by_cycle: dict[str, list[Mapping[str, Any]]] = {}
    for record in found:
        by_cycle.setdefault(record["cycle_id"], []).append(record)
    order = sorted(by_cycle, key=lambda c: _cycle_order(c, cycles.get(c)))
    return {
        "cycles": [
            {
                "cycle_id": cycle_id,
                **{
                    k: (cycles.get(cycle_id) or {}).get(k) for k in ("name", "starts_on", "ends_on")
                },
                **summary(by_cycle[cycle_id]),
            }
            for cycle_id in order
        ],
        "overall": summary(found),
    }


def _own_subtree(reader: Reader) -> frozenset[str]:
    if reader.org_unit_id is None or not access.holds_position(reader.roles):
        return frozenset()
    return frozenset({reader.org_unit_id, *reader.units_below})


def may_see_person_history(reader: Reader, person: Mapping[str, Any]) -> bool:
    """The person, everyone above them, admins, auditors (whoever sees their work), and leaders
    whose unit is the person's unit or above it."""
    if can_read_work_of(person["person_id"], reader):
        return True
    unit = person.get("org_unit_id") if person.get("active", True) else None
    return access.LEADER in reader.roles and unit is not None and unit in _own_subtree(reader)


def may_see_unit_history(reader: Reader, org_unit_id: str) -> bool:
    """Admins, auditors, and leaders whose unit is the unit or above it (the manager role
    grants nothing of its own: `okr_shared.access`)."""
    if reader.roles & {access.ADMIN, access.AUDITOR} or reader.is_admin:
        return True
    return access.LEADER in reader.roles and org_unit_id in _own_subtree(reader)
