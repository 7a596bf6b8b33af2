"""What every read-model document shares: tenant-scoped identity, the version guard's fields, the
API view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

Document = dict[str, Any]
Meta = dict[str, Any]


class UnprojectableEvent(Exception):
    """An event that no retry can fold (unknown type, inconsistent data); it is dead-lettered."""


class OutOfOrderEvent(UnprojectableEvent):
    """An event that cannot apply to the document as it stands (e.g. no creation event yet)."""


def tenant_key(tenant_id: str, business_id: str) -> str:
    """The `_id` of a directory or cycle document: the business id is only unique within a
    tenant."""
    return f"{tenant_id}:{business_id}"


def new_document(doc_id: str, meta: Meta, fields: dict[str, Any]) -> Document:
    """A document created by the event described by `meta`."""
    return {
        "_id": doc_id,
        "tenant_id": meta["tenant_id"],
        **fields,
        "created_at": meta["time"],
        "created_by": meta["actor_id"],
    }


def existing(doc: Document | None, event_type: str, what: str) -> Document:
    """The document an update event applies to, or OutOfOrderEvent when it does not exist yet."""
    if doc is None:
        raise OutOfOrderEvent(f"{event_type} before the creation of {what}")
    return doc


def stamp(doc: Document, meta: Meta) -> Document:
    """Records the event as the document's latest: the version guard compares `version`."""
    doc["version"] = meta["version"]
    doc["last_event_id"] = meta["event_id"]
    doc["updated_at"] = meta["time"]
    doc["updated_by"] = meta["actor_id"]
    return doc


def pick(changes: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    """The changes whose keys a revision event may carry (never the document's own bookkeeping)."""
    return {k: v for k, v in changes.items() if k in allowed}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def public_view(doc: Document) -> dict[str, Any]:
    """The document as the API serves it: no storage key, dates as ISO 8601."""
    return _jsonable({k: v for k, v in doc.items() if k != "_id"})
