"""The directory read models: pure folds of org-unit and person events, and the hierarchies they
form.

Kafka keeps order per aggregate only, so a unit may name a parent (or a person a unit or a
manager) that is not projected yet: the folds never require references to exist. A unit's
`ancestors` starts as its parent alone; the store derives it from the parent's ancestors
after every creation or move, for the unit and everything below it.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from okr_projections.documents import (
    Document,
    Meta,
    OutOfOrderEvent,
    existing,
    new_document,
    pick,
    stamp,
    tenant_key,
)
from okr_shared.contracts import vocabulary
from okr_shared.personal import ERASURE_EVENT

ORG_UNIT_EVENTS = vocabulary.ORG_UNIT_EVENTS
PERSON_EVENTS = vocabulary.PERSON_EVENTS
PERSON_DETAILS = ("name", "email", "locale")


def ancestors_from(
    org_unit_id: str, parent_id: str | None, parent_ancestors: list[str] | None
) -> list[str]:
    """The units above a unit, root first (parent ancestors None: unknown); a transient cycle is
    cut at the unit."""
    if parent_id is None:
        return []
    chain = [*(parent_ancestors or []), parent_id]
    if org_unit_id in chain:
        chain = chain[len(chain) - chain[::-1].index(org_unit_id) :]
    return chain


def apply_org_unit_event(
    doc: Document | None, event_type: str, data: dict[str, Any], meta: Meta
) -> Document:
    """A new org-unit document: `doc` after the event."""
    unit_id = data["org_unit_id"]
    if event_type == "OrgUnitCreated":
        doc = new_document(
            tenant_key(meta["tenant_id"], unit_id),
            meta,
            {
                "org_unit_id": unit_id,
                "name": data["name"],
                "kind": data["kind"],
                "parent_id": data["parent_id"],
                "ancestors": ancestors_from(unit_id, data["parent_id"], None),
            },
        )
        return stamp(doc, meta)
    doc = copy.deepcopy(existing(doc, event_type, f"org unit {unit_id}"))
    if event_type == "OrgUnitRenamed":
        doc["name"] = data["name"]
    elif event_type == "OrgUnitMoved":
        doc["parent_id"] = data["parent_id"]
    else:
        raise OutOfOrderEvent(f"{event_type} is not an org-unit event")
    return stamp(doc, meta)


def apply_person_event(
    doc: Document | None, event_type: str, data: dict[str, Any], meta: Meta
) -> Document:
    """A new person document: `doc` after the event."""
    person_id = data["person_id"]
    if event_type == "PersonJoined":
        doc = new_document(
            tenant_key(meta["tenant_id"], person_id),
            meta,
            {
                **{
                    k: data[k]
                    for k in ("person_id", "name", "email", "manager_id", "org_unit_id", "locale")
                },
                "active": True,
                "left_at": None,
            },
        )
        return stamp(doc, meta)
    doc = copy.deepcopy(existing(doc, event_type, f"person {person_id}"))
    if event_type == "PersonDetailsChanged":
        doc.update(pick(data["changes"], PERSON_DETAILS))
    elif event_type in ("PersonMoved", "PersonReturned"):
        doc["org_unit_id"] = data["org_unit_id"]
        doc["manager_id"] = data["manager_id"]
        if event_type == "PersonReturned":
            doc.update(active=True, left_at=None)
    elif event_type == "PersonLeft":
        doc.update(active=False, left_at=meta["time"])
    elif event_type == ERASURE_EVENT:
        doc.update(name=None, email=None, erased=True)
    else:
        raise OutOfOrderEvent(f"{event_type} is not a person event")
    return stamp(doc, meta)


def manager_chain(person_id: str, manager_of: Mapping[str, str | None]) -> list[str]:
    """The people above a person, nearest first, following `manager_id` links while they are
    known."""
    chain: list[str] = []
    seen = {person_id}
    manager = manager_of.get(person_id)
    while manager is not None and manager not in seen:
        chain.append(manager)
        seen.add(manager)
        manager = manager_of.get(manager)
    return chain
