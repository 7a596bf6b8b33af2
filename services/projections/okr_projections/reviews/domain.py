"""The review read model: pure folds of `okr.reviews.v1` into the review log of an objective, the
`review` its document shows, and the grading status of a cycle's objectives.

The log (one document per objective) keeps every review event once, by review and version (the
review stream's version is the guard), and the view is folded from the log in version order. So a
duplicate or a replay changes nothing, and an event that arrives before its review was opened (a
score before `ReviewOpened`) is parked in the log and counts once the review is opened or
finalised, whatever the order of arrival.

The view: `review_id, cycle_id, status (open|finalised), rule_version, commitment, score, band`
(the objective's score and band as the review service last published them: none until the first
score, a re-scoring or the finalisation; a re-scoring, `ReviewRescored`, also moves the rule version
and the suggestions) and `key_results` by id, each with `suggested_score`, `score`, `band`,
`scored_by`, `kind` (of its standing score: self, manager, correction, or suggestion when nobody
scored it) and which of a self and a manager score it has.
"""

from __future__ import annotations

import copy
from typing import Any

from okr_projections.check_in_state import as_time
from okr_projections.documents import (
    Document,
    Meta,
    OutOfOrderEvent,
    UnprojectableEvent,
    new_document,
    tenant_key,
)
from okr_shared.contracts.vocabulary import events_of

REVIEW_EVENTS = events_of("reviews", "review")
NOT_PROJECTED = (
    events_of("reviews", "scoring_rules")
    | events_of("reviews", "calibration_session")
    | events_of("reviews", "retrospective")
)
"""Events of the review context no read model needs: the tenant's rule book, calibration
sessions (their adjustments reach the reviews as scores of kind calibration) and
retrospectives (served by the review service under their sharing rule)."""

SELF, MANAGER = "self", "manager"
SUGGESTION = "suggestion"
OPEN, FINALISED = "open", "finalised"
NOT_OPENED = "not_opened"
REVIEW_STATUSES = (OPEN, FINALISED)
GRADING_STATUSES = (NOT_OPENED, OPEN, FINALISED)
_STARTS = ("ReviewOpened", "ReviewFinalised")
_SUGGESTION_FIELDS = ("value", "check_in_id", "progress", "suggested_score")


def log_key(tenant_id: str, objective_id: str) -> str:
    """The `_id` of an objective's review log."""
    return tenant_key(tenant_id, objective_id)


def _entry(event_type: str, data: dict[str, Any], meta: Meta) -> dict[str, Any]:
    return {
        "type": event_type,
        "review_id": data["review_id"],
        "version": meta["version"],
        "data": copy.deepcopy(data),
        "at": as_time(meta["time"]),
        "by": meta["actor_id"],
    }


def add_event(doc: Document | None, event_type: str, data: dict[str, Any], meta: Meta) -> Document:
    """The review log after the event: `doc` (None before the first event of the objective) with
    the event added once; `rev` counts the events held. Raises if the review no longer folds."""
    if event_type not in REVIEW_EVENTS:
        raise OutOfOrderEvent(f"{event_type} is not a review event")
    if doc is None:
        doc = new_document(
            log_key(meta["tenant_id"], data["objective_id"]),
            meta,
            {"objective_id": data["objective_id"], "events": [], "rev": 0},
        )
    else:
        doc = copy.deepcopy(doc)
    if not holds(doc, data["review_id"], meta["version"]):
        doc["events"].append(_entry(event_type, data, meta))
        doc["rev"] = len(doc["events"])
        fold_review([e for e in doc["events"] if e["review_id"] == data["review_id"]])
    return doc


def holds(doc: Document | None, review_id: str, version: int) -> bool:
    """Whether the log already holds that version of the review."""
    return doc is not None and any(
        e["review_id"] == review_id and e["version"] == version for e in doc["events"]
    )


def _key_result(kr_id: str) -> dict[str, Any]:
    if "." in kr_id or kr_id.startswith("$"):
        raise UnprojectableEvent(f"key result id {kr_id!r} cannot name a field")
    return {
        "key_result_id": kr_id,
        "title": None,
        "owner_id": None,
        "weight": None,
        "value": None,
        "progress": None,
        "suggested_score": None,
        "score": None,
        "band": None,
        "kind": SUGGESTION,
        "scored_by": None,
        "scored_at": None,
        "self_score": None,
        "manager_score": None,
    }


def _opened(view: dict[str, Any], data: dict[str, Any], entry: dict[str, Any]) -> None:
    view.update(
        status=view["status"] or OPEN,
        commitment=data["commitment"],
        rule_version=data["rule_version"],
        cycle_ends_on=data["cycle_ends_on"],
        opened_at=as_time(data["grading_opened_at"]),
    )
    for kr in data["key_results"]:
        found = view["key_results"].setdefault(
            kr["key_result_id"], _key_result(kr["key_result_id"])
        )
        found.update({k: kr[k] for k in ("title", "owner_id", "weight", *_SUGGESTION_FIELDS)})


def _scored(view: dict[str, Any], data: dict[str, Any], entry: dict[str, Any]) -> None:
    kr = view["key_results"].setdefault(data["key_result_id"], _key_result(data["key_result_id"]))
    kind = data["kind"]
    kr.update(
        suggested_score=data["suggested_score"],
        score=data["score"],
        band=data["band"],
        kind=kind,
        scored_by=entry["by"],
        scored_at=entry["at"],
    )
    if kind in (SELF, MANAGER):
        kr[f"{kind}_score"] = data["score"]
    view["score"], view["band"] = data["objective_score"], data["objective_band"]


def _revised(view: dict[str, Any], data: dict[str, Any], entry: dict[str, Any]) -> None:
    kr = view["key_results"].setdefault(data["key_result_id"], _key_result(data["key_result_id"]))
    kr.update({k: data[k] for k in _SUGGESTION_FIELDS})


def _finalised(view: dict[str, Any], data: dict[str, Any], entry: dict[str, Any]) -> None:
    view.update(
        status=FINALISED,
        commitment=data["commitment"],
        rule_version=data["rule_version"],
        score=data["score"],
        band=data["band"],
        finalised_at=entry["at"],
        finalised_by=entry["by"],
    )
    for final in data["key_results"]:
        kr = view["key_results"].setdefault(
            final["key_result_id"], _key_result(final["key_result_id"])
        )
        kr.update(
            score=final["score"],
            band=final["band"],
            suggested_score=final["suggested_score"],
            scored_by=final["scored_by"],
            kind=final["score_kind"],
        )


def _rescored(view: dict[str, Any], data: dict[str, Any], entry: dict[str, Any]) -> None:
    """Another rule version adopted: the objective's score and band, each key result's new
    suggestion; a key result's score and band once it has one (scored, or finalised)."""
    view.update(rule_version=data["rule_version"], score=data["score"], band=data["band"])
    for item in data["key_results"]:
        kr = view["key_results"].setdefault(
            item["key_result_id"], _key_result(item["key_result_id"])
        )
        kr["suggested_score"] = item["suggested_score"]
        if kr["kind"] != SUGGESTION or view["status"] == FINALISED:
            kr.update(score=item["score"], band=item["band"])


_FOLDS = {
    "ReviewOpened": _opened,
    "KeyResultScored": _scored,
    "SuggestionRevised": _revised,
    "ReviewFinalised": _finalised,
    "ReviewRescored": _rescored,
}


def fold_review(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The view of one review from its logged events (any order); None while it is neither
    opened nor finalised (its events wait in the log)."""
    ordered = sorted(events, key=lambda e: e["version"])
    if not any(e["type"] in _STARTS for e in ordered):
        return None
    first = ordered[0]["data"]
    view: dict[str, Any] = {
        "review_id": first["review_id"],
        "cycle_id": first["cycle_id"],
        "status": None,
        "rule_version": None,
        "commitment": None,
        "score": None,
        "band": None,
        "opened_at": None,
        "finalised_at": None,
        "key_results": {},
    }
    for entry in ordered:
        _FOLDS[entry["type"]](view, entry["data"], entry)
    view["version"] = ordered[-1]["version"]
    return view


def current_review(log: Document | None, cycle_id: str | None) -> dict[str, Any] | None:
    """The review the objective shows: of its cycle if there is one, else the last one opened."""
    if log is None:
        return None
    by_review: dict[str, list[dict[str, Any]]] = {}
    for entry in log["events"]:
        by_review.setdefault(entry["review_id"], []).append(entry)
    views = [v for v in map(fold_review, by_review.values()) if v is not None]
    if not views:
        return None
    of_cycle = [v for v in views if v["cycle_id"] == cycle_id]
    return (of_cycle or views)[-1]


def grading_status(objective: Document) -> dict[str, Any]:
    """Where the objective's grading stands: the review's status, each key result's self and
    manager scores, which still lack a self-score, and the counts."""
    review = objective.get("review")
    if review:
        krs = [
            {
                "key_result_id": kr["key_result_id"],
                "title": kr.get("title"),
                "owner_id": kr.get("owner_id"),
                "suggested_score": kr.get("suggested_score"),
                "score": kr.get("score"),
                "kind": kr.get("kind"),
                "self_scored": kr.get("self_score") is not None,
                "manager_scored": kr.get("manager_score") is not None,
            }
            for kr in review["key_results"].values()
        ]
    else:
        krs = [
            {
                "key_result_id": kr["key_result_id"],
                "title": kr.get("title"),
                "owner_id": kr.get("owner_id"),
                "suggested_score": None,
                "score": None,
                "kind": None,
                "self_scored": False,
                "manager_scored": False,
            }
            for kr in objective.get("key_results", [])
        ]
    missing = [kr["key_result_id"] for kr in krs if not kr["self_scored"]]
    return {
        "objective_id": objective["objective_id"],
        "title": objective.get("title"),
        "owner_type": objective.get("owner_type"),
        "owner_id": objective.get("owner_id"),
        "org_unit_id": objective.get("org_unit_id"),
        "review_id": review["review_id"] if review else None,
        "status": review["status"] if review else NOT_OPENED,
        "score": review["score"] if review else None,
        "band": review["band"] if review else None,
        "key_results": krs,
        "missing_self_score": missing,
        "counts": {
            "key_results": len(krs),
            "self_scored": sum(kr["self_scored"] for kr in krs),
            "manager_scored": sum(kr["manager_scored"] for kr in krs),
            "missing_self_score": len(missing),
        },
    }


def cycle_grading(cycle_id: str, objectives: list[Document]) -> dict[str, Any]:
    """The grading status of the cycle's objectives given, with the counts over them."""
    items = [grading_status(doc) for doc in objectives]
    by_status = {s: sum(i["status"] == s for i in items) for s in GRADING_STATUSES}
    return {
        "cycle_id": cycle_id,
        "objectives": items,
        "counts": {
            "objectives": len(items),
            **by_status,
            "key_results": sum(i["counts"]["key_results"] for i in items),
            "missing_self_score": sum(i["counts"]["missing_self_score"] for i in items),
        },
    }
