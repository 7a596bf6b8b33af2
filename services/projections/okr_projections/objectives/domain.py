"""The objective read model: pure folds of the objective events of `okr.goals.v1` into one document.

A key result carries `current` (its initial value until check-ins exist, `checked_in` false),
`progress` and the check-in fields of `check_in_state`; its initiatives are nested under it.
The objective carries `progress`, the KR-weighted mean (None without key results), and
`rollup_progress`, which `rollup` derives.
"""

from __future__ import annotations

import copy
from typing import Any

from okr_projections.check_in_state import NOT_CHECKED_IN, STATE_FIELDS, state_of
from okr_projections.documents import (
    Document,
    Meta,
    OutOfOrderEvent,
    existing,
    new_document,
    pick,
    stamp,
)
from okr_shared.contracts.vocabulary import (
    INITIATIVE_REVISABLE,
    KEY_RESULT_REVISABLE,
    OBJECTIVE_EVENTS,
    OBJECTIVE_REVISABLE,
    choose,
)
from okr_shared.progress import (
    initial_value,
    key_result_progress,
    rollup_progress,
    weighted_progress,
)

_KEY_RESULT_DERIVED = (*STATE_FIELDS, "progress", "initiatives")


def key_result(
    fields: dict[str, Any],
    check_in: dict[str, Any] | None = None,
    initiatives: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A key result of the document at its check-in state; `current` stays at the initial value
    until checked in."""
    kr = {k: v for k, v in fields.items() if k not in _KEY_RESULT_DERIVED}
    state = {**NOT_CHECKED_IN, **(check_in or {})}
    value = state["current"] if state["checked_in"] else initial_value(kr)
    return {
        **kr,
        **state,
        "current": value,
        "progress": key_result_progress(kr, value),
        "initiatives": list(initiatives or []),
    }


def objective_progress(key_results: list[dict[str, Any]]) -> float | None:
    """Mean progress of the key results weighted by their weights; None when there are none."""
    if not key_results:
        return None
    return weighted_progress((kr["progress"], kr["weight"]) for kr in key_results)


def _created(data: dict[str, Any], meta: Meta) -> Document:
    key_results = [key_result(kr) for kr in data["key_results"]]
    progress = objective_progress(key_results)
    return new_document(
        data["objective_id"],
        meta,
        {
            "objective_id": data["objective_id"],
            **{
                k: data[k]
                for k in (
                    "title",
                    "description",
                    "level",
                    "owner_type",
                    "owner_id",
                    "org_unit_id",
                    "cycle_id",
                    "tags",
                    "visibility",
                    "status",
                    "commitment",
                    "rolled_over_from",
                )
            },
            "key_results": key_results,
            "alignments": [
                {"parent_objective_id": a["parent_objective_id"], "weight": a["weight"]}
                for a in data["alignments"]
            ],
            "pending_proposals": [],
            "rolled_over_to": None,
            "progress": progress,
            "rollup_progress": rollup_progress(progress, []),
        },
    )


def _find(items: list[dict[str, Any]], key: str, value: str, what: str) -> dict[str, Any]:
    for item in items:
        if item[key] == value:
            return item
    raise OutOfOrderEvent(f"{what} {value} is not in the document")


def _revise_key_result(doc: Document, data: dict[str, Any]) -> None:
    krs = doc["key_results"]
    old = _find(krs, "key_result_id", data["key_result_id"], "key result")
    revised = key_result(
        {**old, **pick(data["changes"], KEY_RESULT_REVISABLE)}, state_of(old), old["initiatives"]
    )
    doc["key_results"] = [revised if kr is old else kr for kr in krs]


def _link(doc: Document, parent_objective_id: str, weight: float) -> None:
    others = [a for a in doc["alignments"] if a["parent_objective_id"] != parent_objective_id]
    doc["alignments"] = [*others, {"parent_objective_id": parent_objective_id, "weight": weight}]


def _unlink(doc: Document, parent_objective_id: str) -> None:
    doc["alignments"] = [
        a for a in doc["alignments"] if a["parent_objective_id"] != parent_objective_id
    ]


def _without_proposal(doc: Document, proposal_id: str | None) -> None:
    doc["pending_proposals"] = [
        p for p in doc["pending_proposals"] if p["proposal_id"] != proposal_id
    ]


def _propose(doc: Document, data: dict[str, Any], meta: Meta) -> None:
    _without_proposal(doc, data["proposal_id"])
    doc["pending_proposals"].append(
        {
            **{k: data[k] for k in ("proposal_id", "parent_objective_id", "weight", "note")},
            "proposed_at": meta["time"],
            "proposed_by": meta["actor_id"],
        }
    )


def _add_initiative(doc: Document, data: dict[str, Any]) -> None:
    kr = _find(doc["key_results"], "key_result_id", data["key_result_id"], "key result")
    initiative = data["initiative"]
    others = [i for i in kr["initiatives"] if i["initiative_id"] != initiative["initiative_id"]]
    kr["initiatives"] = [*others, dict(initiative)]


def _revise_initiative(doc: Document, data: dict[str, Any]) -> None:
    kr = _find(doc["key_results"], "key_result_id", data["key_result_id"], "key result")
    initiative = _find(kr["initiatives"], "initiative_id", data["initiative_id"], "initiative")
    initiative.update(pick(data["changes"], INITIATIVE_REVISABLE))


_ALIGNMENT_EVENTS = frozenset(
    choose(
        OBJECTIVE_EVENTS,
        "ObjectiveAligned",
        "ObjectiveAlignmentRevised",
        "ObjectiveAlignmentRemoved",
        "AlignmentProposed",
        "AlignmentProposalDeclined",
    )
)


def _update_alignment(doc: Document, event_type: str, data: dict[str, Any], meta: Meta) -> None:
    if event_type in ("ObjectiveAligned", "ObjectiveAlignmentRevised"):
        _link(doc, data["parent_objective_id"], data["weight"])
        if event_type == "ObjectiveAligned" and data["proposal_id"] is not None:
            _without_proposal(doc, data["proposal_id"])
    elif event_type == "ObjectiveAlignmentRemoved":
        _unlink(doc, data["parent_objective_id"])
    elif event_type == "AlignmentProposed":
        _propose(doc, data, meta)
    else:
        _without_proposal(doc, data["proposal_id"])


def _update_content(doc: Document, event_type: str, data: dict[str, Any]) -> None:
    if event_type == "ObjectiveRevised":
        doc.update(pick(data["changes"], OBJECTIVE_REVISABLE))
    elif event_type == "ObjectiveStatusChanged":
        doc["status"] = data["status"]
    elif event_type == "KeyResultAdded":
        added = data["key_result"]
        doc["key_results"] = [
            *(kr for kr in doc["key_results"] if kr["key_result_id"] != added["key_result_id"]),
            key_result(added),
        ]
    elif event_type == "KeyResultRevised":
        _revise_key_result(doc, data)
    elif event_type == "InitiativeAdded":
        _add_initiative(doc, data)
    elif event_type == "InitiativeRevised":
        _revise_initiative(doc, data)
    elif event_type == "ObjectiveRolledOver":
        doc["rolled_over_to"] = {
            "objective_id": data["to_objective_id"],
            "cycle_id": data["to_cycle_id"],
        }
    else:
        raise OutOfOrderEvent(f"{event_type} is not an objective event")


def _update(doc: Document, event_type: str, data: dict[str, Any], meta: Meta) -> None:
    if event_type in _ALIGNMENT_EVENTS:
        _update_alignment(doc, event_type, data, meta)
    else:
        _update_content(doc, event_type, data)


def apply_event(
    doc: Document | None, event_type: str, data: dict[str, Any], meta: Meta
) -> Document:
    """A new document: `doc` after the event (`meta`: tenant_id, version, event_id, time,
    actor_id)."""
    if event_type == "ObjectiveCreated":
        return stamp(_created(data, meta), meta)
    doc = copy.deepcopy(existing(doc, event_type, f"objective {data['objective_id']}"))
    _update(doc, event_type, data, meta)
    doc["progress"] = objective_progress(doc["key_results"])
    return stamp(doc, meta)


def arriving_key_results(event_type: str, data: dict[str, Any]) -> list[str]:
    """The key results an objective event brings into the document (their stored check-ins apply
    to them)."""
    if event_type == "ObjectiveCreated":
        return [kr["key_result_id"] for kr in data["key_results"]]
    if event_type == "KeyResultAdded":
        return [data["key_result"]["key_result_id"]]
    return []


def with_check_ins(doc: Document, states: dict[str, dict[str, Any]]) -> Document:
    """A new document whose key results named in `states` (key result id to check-in state) stand
    there."""
    doc = copy.deepcopy(doc)
    doc["key_results"] = [
        key_result(kr, states[kr["key_result_id"]], kr["initiatives"])
        if kr["key_result_id"] in states
        else kr
        for kr in doc["key_results"]
    ]
    doc["progress"] = objective_progress(doc["key_results"])
    return doc


def involvement(doc: Document, person_id: str) -> list[str]:
    """Why the person appears on the objective: owner, key_result_owner, initiative_owner."""
    reasons = []
    if doc["owner_type"] == "person" and doc["owner_id"] == person_id:
        reasons.append("owner")
    if any(kr["owner_id"] == person_id for kr in doc["key_results"]):
        reasons.append("key_result_owner")
    if any(i.get("owner_id") == person_id for kr in doc["key_results"] for i in kr["initiatives"]):
        reasons.append("initiative_owner")
    return reasons
