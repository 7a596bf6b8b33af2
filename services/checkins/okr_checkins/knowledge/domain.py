"""The check-in service's own record of goals, cycles and people, folded from `okr.goals.v1`.

Only what check-ins need: which key results exist, their kind and owner, who contributes
(initiative owners), the objective's status, visibility, owner and commitment, the cycle's
state and dates, and who reports to whom. Documents are plain dicts; folds are pure.
"""

from __future__ import annotations

import copy
from typing import Any

from okr_shared.contracts import vocabulary

Doc = dict[str, Any]

OBJECTIVE_EVENTS = vocabulary.OBJECTIVE_EVENTS
CYCLE_EVENTS = {name: vocabulary.CYCLE_STATE_OF.get(name) for name in vocabulary.CYCLE_EVENTS}
"""Every cycle event and the state it enters (None for the planning, which creates the cycle)."""
PERSON_EVENTS = vocabulary.PERSON_EVENTS
UNIT_EVENTS = vocabulary.ORG_UNIT_EVENTS
OBJECTIVE_FIELDS = vocabulary.choose(
    vocabulary.OBJECTIVE_REVISABLE,
    "visibility",
    "owner_type",
    "owner_id",
    "org_unit_id",
    "title",
    "commitment",
)
"""The revisable objective fields the knowledge keeps."""
KR_FIELDS = (
    "kind",
    "owner_id",
    "start",
    "target",
    "baseline",
    "lower",
    "upper",
    "unit",
    "currency",
    "weight",
    "title",
)


def kind_of(event_type: str) -> str | None:
    """Which knowledge document an event of `okr.goals.v1` updates (None: not needed here)."""
    if event_type in OBJECTIVE_EVENTS:
        return "objective"
    if event_type in CYCLE_EVENTS:
        return "cycle"
    if event_type in PERSON_EVENTS:
        return "person"
    if event_type in UNIT_EVENTS:
        return "org_unit"
    return None


def key_of(kind: str, data: dict[str, Any]) -> str:
    return data[
        {
            "objective": "objective_id",
            "cycle": "cycle_id",
            "person": "person_id",
            "org_unit": "org_unit_id",
        }[kind]
    ]


def _key_result(kr: dict[str, Any]) -> Doc:
    return {k: kr.get(k) for k in KR_FIELDS}


def _created(event_type: str, data: dict[str, Any]) -> Doc | None:
    """The document an event creates; None for events that change an existing one."""
    if event_type == "ObjectiveCreated":
        return {
            "objective_id": data["objective_id"],
            "cycle_id": data["cycle_id"],
            "status": data["status"],
            "visibility": data["visibility"],
            "commitment": data["commitment"],
            "owner_type": data["owner_type"],
            "owner_id": data["owner_id"],
            "org_unit_id": data["org_unit_id"],
            "title": data["title"],
            "key_results": {kr["key_result_id"]: _key_result(kr) for kr in data["key_results"]},
            "initiatives": {},
        }
    if event_type == "CyclePlanned":
        return {k: data[k] for k in ("cycle_id", "name", "cadence", "starts_on", "ends_on")} | {
            "state": "planning"
        }
    if event_type == "PersonJoined":
        return {k: data[k] for k in ("person_id", "name", "manager_id", "org_unit_id")} | {
            "active": True
        }
    if event_type == "OrgUnitCreated":
        return {k: data[k] for k in ("org_unit_id", "name", "kind", "parent_id")}
    return None


def _objective_changed(doc: Doc, event_type: str, data: dict[str, Any]) -> None:
    """Applies a change of an objective, its key results or initiatives to `doc`."""
    if event_type == "ObjectiveRevised":
        doc.update({k: v for k, v in data["changes"].items() if k in OBJECTIVE_FIELDS})
    elif event_type == "ObjectiveStatusChanged":
        doc["status"] = data["status"]
    elif event_type == "KeyResultAdded":
        doc["key_results"][data["key_result"]["key_result_id"]] = _key_result(data["key_result"])
    elif event_type == "KeyResultRevised" and data["key_result_id"] in doc["key_results"]:
        doc["key_results"][data["key_result_id"]].update(
            {k: v for k, v in data["changes"].items() if k in KR_FIELDS}
        )
    elif event_type == "InitiativeAdded":
        item = data["initiative"]
        doc["initiatives"][item["initiative_id"]] = {
            "key_result_id": data["key_result_id"],
            "owner_id": item["owner_id"],
            "status": item["status"],
        }
    elif event_type == "InitiativeRevised" and data["initiative_id"] in doc["initiatives"]:
        doc["initiatives"][data["initiative_id"]].update(
            {k: v for k, v in data["changes"].items() if k in ("owner_id", "status")}
        )


def _directory_changed(doc: Doc, event_type: str, data: dict[str, Any]) -> None:
    """Applies a change of a cycle, a person or an org unit to `doc`."""
    if event_type in CYCLE_EVENTS:
        doc["state"] = CYCLE_EVENTS[event_type]
    elif event_type == "PersonMoved":
        doc.update(org_unit_id=data["org_unit_id"], manager_id=data["manager_id"])
    elif event_type == "PersonLeft":
        doc["active"] = False
    elif event_type == "PersonReturned":
        doc.update(active=True, org_unit_id=data["org_unit_id"], manager_id=data["manager_id"])
    elif event_type == "PersonDetailsChanged":
        doc.update({k: v for k, v in data["changes"].items() if k == "name"})
    elif event_type == "PersonalDataErased":
        doc.update(name=None, erased=True)
    elif event_type == "OrgUnitRenamed":
        doc["name"] = data["name"]
    elif event_type == "OrgUnitMoved":
        doc["parent_id"] = data["parent_id"]


def fold(doc: Doc | None, event_type: str, data: dict[str, Any]) -> Doc | None:
    """The document after the event; None when the event cannot apply yet (its creation is
    missing)."""
    doc = copy.deepcopy(doc)
    created = _created(event_type, data)
    if created is not None:
        return created
    if doc is None:
        return None
    if event_type in OBJECTIVE_EVENTS:
        _objective_changed(doc, event_type, data)
    else:
        _directory_changed(doc, event_type, data)
    return doc


def key_result_owner(objective: Doc, key_result_id: str) -> str | None:
    """The person answerable for the key result: its owner, else the objective's owning person."""
    owner = objective["key_results"][key_result_id].get("owner_id")
    if owner:
        return owner
    return objective["owner_id"] if objective["owner_type"] == "person" else None


def contributors(objective: Doc, key_result_id: str) -> set[str]:
    """People with an initiative under the key result."""
    return {
        i["owner_id"]
        for i in objective["initiatives"].values()
        if i["key_result_id"] == key_result_id
    }
