"""The check-in read model of a key result: pure folds of `CheckInRecorded`/`CheckInCorrected`
into one document.

The document keeps every check-in, corrections included (a correction never removes what it
corrects), so what stood when stays answerable. Its `version` is the `sequence` of the check-in
service's log of the key result. `reminder_periods` lists the periods reminders were sent for,
so a check-in can find the due items it settles by key.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from okr_projections.check_in_state import as_time
from okr_projections.documents import Document, Meta, new_document, stamp, tenant_key
from okr_shared.contracts.vocabulary import CHECK_IN_LOG_EVENTS
from okr_shared.personal import ERASED

CHECK_IN_EVENTS = CHECK_IN_LOG_EVENTS
_COPIED = (
    "check_in_id",
    "value",
    "confidence",
    "confidence_band",
    "note",
    "blockers",
    "source",
    "source_key",
)


def key_result_key(tenant_id: str, key_result_id: str) -> str:
    """The `_id` of a key result's check-in document."""
    return tenant_key(tenant_id, key_result_id)


def empty_log(data: dict[str, Any], meta: Meta) -> Document:
    """The check-in document of a key result before any check-in (version 0)."""
    doc = new_document(
        key_result_key(meta["tenant_id"], data["key_result_id"]),
        meta,
        {
            "key_result_id": data["key_result_id"],
            "objective_id": data["objective_id"],
            "check_ins": [],
            "reminder_periods": [],
        },
    )
    return {**doc, "version": 0}


def check_in_entry(data: dict[str, Any], meta: Meta) -> dict[str, Any]:
    """One check-in as stored: recorded when the event happened, in the log at the event's
    sequence."""
    return {
        **{k: data.get(k) for k in _COPIED},
        "effective_at": as_time(data["effective_at"]),
        "recorded_at": as_time(meta["time"]),
        "recorded_by": meta["actor_id"],
        "sequence": meta["version"],
        "corrects": data.get("corrects_check_in_id"),
        "reason": data.get("reason"),
    }


def apply_check_in_event(doc: Document | None, data: dict[str, Any], meta: Meta) -> Document:
    """A new check-in document: `doc` (None before the first) with the check-in or correction
    added."""
    doc = copy.deepcopy(doc) if doc is not None else empty_log(data, meta)
    if all(c["check_in_id"] != data["check_in_id"] for c in doc["check_ins"]):
        doc["check_ins"].append(check_in_entry(data, meta))
    doc["objective_id"] = data["objective_id"]
    return stamp(doc, meta)


def erased_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A check-in with its reporter's texts erased (the note's parts empty, no blockers)."""
    note = {part: ERASED for part in entry.get("note") or {}}
    return {**entry, "note": note, "blockers": [], "erased": True}


def erase_reporter(doc: Document, person_id: str) -> Document | None:
    """The document with the texts of the person's check-ins erased; None when it has none to
    erase."""
    if not any(c["recorded_by"] == person_id and not c.get("erased") for c in doc["check_ins"]):
        return None
    check_ins = [erased_entry(c) if c["recorded_by"] == person_id else c for c in doc["check_ins"]]
    return {**doc, "check_ins": check_ins}


def moved_times(doc: Document, data: dict[str, Any]) -> list[datetime]:
    """The effective times a check-in event moves: its own and that of the check-in it corrects,
    if known."""
    times = [as_time(data["effective_at"])]
    corrects = data.get("corrects_check_in_id")
    times += [as_time(c["effective_at"]) for c in doc["check_ins"] if c["check_in_id"] == corrects]
    return times
