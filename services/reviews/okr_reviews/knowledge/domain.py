"""The review service's own record of goals, cycles, people and check-ins, folded from
`okr.goals.v1` and `okr.checkins.v1`.

Only what reviews need: the cycle's state and dates (and when grading opened), each objective
with its owner, unit, visibility, commitment and key results (kind, owner, weight, targets) and
its rollover lineage (`rolled_over_from`: the objective it was copied from, `rolled_over_to`: the
copy in the next cycle, from `ObjectiveCreated` and `ObjectiveRolledOver`), who
reports to whom, the unit tree, and every check-in of a key result with when it was true
(`effective_at`) and when the platform learned it (`recorded_at`, the CloudEvent's time).
Documents are plain dicts; folds are pure.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from okr_reviews.rules.domain import COMMITMENTS, DEFAULT_COMMITMENT
from okr_shared.contracts import vocabulary

Doc = dict[str, Any]

OBJECTIVE_EVENTS = vocabulary.OBJECTIVE_EVENTS
CYCLE_EVENTS = {name: vocabulary.CYCLE_STATE_OF.get(name) for name in vocabulary.CYCLE_EVENTS}
PERSON_EVENTS = vocabulary.PERSON_EVENTS
UNIT_EVENTS = vocabulary.ORG_UNIT_EVENTS
CHECK_IN_LOG_EVENTS = vocabulary.CHECK_IN_LOG_EVENTS
KR_FIELDS = (
    "title",
    "kind",
    "owner_id",
    "weight",
    "unit",
    "start",
    "target",
    "currency",
    "baseline",
    "lower",
    "upper",
)
OBJECTIVE_FIELDS = ("title", "owner_type", "owner_id", "org_unit_id", "visibility", "commitment")


def kind_of(event_type: str) -> str | None:
    """Which knowledge document an event updates (None: not needed here)."""
    if event_type in OBJECTIVE_EVENTS:
        return "objective"
    if event_type in CYCLE_EVENTS:
        return "cycle"
    if event_type in PERSON_EVENTS:
        return "person"
    if event_type in UNIT_EVENTS:
        return "org_unit"
    if event_type in CHECK_IN_LOG_EVENTS:
        return "check_in_log"
    return None


KEYS = {
    "objective": "objective_id",
    "cycle": "cycle_id",
    "person": "person_id",
    "org_unit": "org_unit_id",
    "check_in_log": "key_result_id",
}


def key_of(kind: str, data: dict[str, Any]) -> str:
    return data[KEYS[kind]]


def commitment_of(data: dict[str, Any]) -> str:
    """The objective's commitment; objectives published without one are aspirational."""
    value = data.get("commitment")
    return value if value in COMMITMENTS else DEFAULT_COMMITMENT


def _key_result(kr: dict[str, Any]) -> Doc:
    return {k: kr.get(k) for k in KR_FIELDS}


def _created(event_type: str, data: dict[str, Any]) -> Doc | None:
    """The document an event creates; None for events that change an existing one."""
    if event_type == "ObjectiveCreated":
        return {k: data[k] for k in OBJECTIVE_FIELDS if k != "commitment"} | {
            "objective_id": data["objective_id"],
            "cycle_id": data["cycle_id"],
            "status": data["status"],
            "commitment": commitment_of(data),
            "key_results": {kr["key_result_id"]: _key_result(kr) for kr in data["key_results"]},
            "rolled_over_from": (data.get("rolled_over_from") or {}).get("objective_id"),
        }
    if event_type == "CyclePlanned":
        return {k: data[k] for k in ("cycle_id", "name", "starts_on", "ends_on")} | {
            "state": "planning",
            "grading_opened_at": None,
        }
    if event_type == "PersonJoined":
        return {k: data[k] for k in ("person_id", "name", "manager_id", "org_unit_id")} | {
            "active": True
        }
    if event_type == "OrgUnitCreated":
        return {k: data[k] for k in ("org_unit_id", "name", "parent_id")}
    return None


def _objective_changed(doc: Doc, event_type: str, data: dict[str, Any]) -> None:
    if event_type == "ObjectiveRevised":
        changes = {k: v for k, v in data["changes"].items() if k in OBJECTIVE_FIELDS}
        if "commitment" in changes:
            changes["commitment"] = commitment_of(changes)
        doc.update(changes)
    elif event_type == "ObjectiveStatusChanged":
        doc["status"] = data["status"]
    elif event_type == "KeyResultAdded":
        doc["key_results"][data["key_result"]["key_result_id"]] = _key_result(data["key_result"])
    elif event_type == "ObjectiveRolledOver":
        doc["rolled_over_to"] = data["to_objective_id"]
    elif event_type == "KeyResultRevised" and data["key_result_id"] in doc["key_results"]:
        doc["key_results"][data["key_result_id"]].update(
            {k: v for k, v in data["changes"].items() if k in KR_FIELDS}
        )


def _directory_changed(doc: Doc, event_type: str, data: dict[str, Any], at: datetime) -> None:
    if event_type in CYCLE_EVENTS:
        doc["state"] = CYCLE_EVENTS[event_type]
        if doc["state"] == "grading":
            doc["grading_opened_at"] = at.isoformat()
    elif event_type == "PersonMoved":
        doc.update(org_unit_id=data["org_unit_id"], manager_id=data["manager_id"])
    elif event_type == "PersonLeft":
        doc["active"] = False
    elif event_type == "PersonReturned":
        doc.update(active=True, org_unit_id=data["org_unit_id"], manager_id=data["manager_id"])
    elif event_type == "PersonalDataErased":
        doc.update(name=None, erased=True)
    elif event_type == "OrgUnitMoved":
        doc["parent_id"] = data["parent_id"]


def _check_in_learned(doc: Doc | None, data: dict[str, Any], at: datetime, sequence: int) -> Doc:
    doc = doc or {"key_result_id": data["key_result_id"], "check_ins": []}
    doc["check_ins"].append(
        {
            "check_in_id": data["check_in_id"],
            "objective_id": data["objective_id"],
            "value": data["value"],
            "effective_at": data["effective_at"],
            "recorded_at": at.isoformat(),
            "corrects": data.get("corrects_check_in_id"),
            "sequence": sequence,
        }
    )
    return doc


def fold(
    doc: Doc | None, event_type: str, data: dict[str, Any], at: datetime, sequence: int
) -> Doc | None:
    """The document after the event (`at`: when it was published, `sequence`: its stream
    version); None when the event cannot apply yet (its creation is missing)."""
    doc = copy.deepcopy(doc)
    if event_type in CHECK_IN_LOG_EVENTS:
        return _check_in_learned(doc, data, at, sequence)
    created = _created(event_type, data)
    if created is not None:
        return created
    if doc is None:
        return None
    if event_type in OBJECTIVE_EVENTS:
        _objective_changed(doc, event_type, data)
    else:
        _directory_changed(doc, event_type, data, at)
    return doc
