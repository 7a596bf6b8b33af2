"""The objective-progress read model: pure functions that fold goal events into one document."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from okr_shared.progress import numeric_progress, weighted_progress

Document = dict[str, Any]


class OutOfOrderEvent(Exception):
    """An event that cannot apply to the document as it stands (e.g. no ObjectiveCreated yet)."""


def _key_result(kr: dict[str, Any], current: float | None = None) -> dict[str, Any]:
    value = kr["start"] if current is None else current
    return {**kr, "current": value, "progress": numeric_progress(kr["start"], kr["target"], value)}


def _with_progress(doc: Document) -> Document:
    doc["progress"] = weighted_progress((kr["progress"], kr["weight"]) for kr in doc["key_results"])
    return doc


def apply_event(doc: Document | None, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> Document:
    """A new document: `doc` after the event (`meta`: tenant_id, version, event_id, time, actor_id)."""
    doc = copy.deepcopy(doc)
    if event_type == "ObjectiveCreated":
        doc = {
            "_id": data["objective_id"],
            "tenant_id": meta["tenant_id"],
            "title": data["title"],
            "description": data["description"],
            "owner_id": data["owner_id"],
            "level": data["level"],
            "cycle_id": data["cycle_id"],
            "key_results": [_key_result(kr) for kr in data["key_results"]],
            "created_at": meta["time"],
            "created_by": meta["actor_id"],
        }
    elif doc is None:
        raise OutOfOrderEvent(f"{event_type} before ObjectiveCreated for {data['objective_id']}")
    elif event_type == "KeyResultAdded":
        doc["key_results"] = [*doc["key_results"], _key_result(data["key_result"])]
    elif event_type == "ObjectiveRevised":
        doc.update(data["changes"])
    elif event_type == "KeyResultRevised":
        doc["key_results"] = [
            _key_result({**{k: kr[k] for k in kr if k not in ("current", "progress")}, **data["changes"]}, kr["current"])
            if kr["key_result_id"] == data["key_result_id"] else kr
            for kr in doc["key_results"]
        ]
    else:
        raise OutOfOrderEvent(f"unknown event type {event_type}")
    doc["version"] = meta["version"]
    doc["last_event_id"] = meta["event_id"]
    doc["updated_at"] = meta["time"]
    doc["updated_by"] = meta["actor_id"]
    return _with_progress(doc)


def public_view(doc: Document) -> dict[str, Any]:
    """The document as the API serves it."""
    view = {k: v for k, v in doc.items() if k != "_id"}
    view["objective_id"] = doc["_id"]
    for key in ("created_at", "updated_at", "projected_at"):
        if isinstance(view.get(key), datetime):
            view[key] = view[key].isoformat()
    return view
