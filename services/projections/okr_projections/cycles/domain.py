"""The cycle read model: pure folds of the cycle events into one document per cycle."""

from __future__ import annotations

import copy
from typing import Any

from okr_projections.documents import (
    Document,
    Meta,
    OutOfOrderEvent,
    existing,
    new_document,
    stamp,
    tenant_key,
)
from okr_shared.contracts import vocabulary

CYCLE_STATES = vocabulary.CYCLE_STATE_OF
CYCLE_EVENTS = vocabulary.CYCLE_EVENTS


def apply_cycle_event(
    doc: Document | None, event_type: str, data: dict[str, Any], meta: Meta
) -> Document:
    """A new cycle document: `doc` after the event; `transitions` keep each state change and its
    reason."""
    cycle_id = data["cycle_id"]
    if event_type == "CyclePlanned":
        doc = new_document(
            tenant_key(meta["tenant_id"], cycle_id),
            meta,
            {
                **{k: data[k] for k in ("cycle_id", "name", "cadence", "starts_on", "ends_on")},
                "state": "planning",
                "transitions": [],
            },
        )
        return stamp(doc, meta)
    if event_type not in CYCLE_STATES:
        raise OutOfOrderEvent(f"{event_type} is not a cycle event")
    doc = copy.deepcopy(existing(doc, event_type, f"cycle {cycle_id}"))
    doc["state"] = CYCLE_STATES[event_type]
    doc["transitions"].append(
        {
            "state": doc["state"],
            "previous_state": data["previous_state"],
            "reason": data["reason"],
            "at": meta["time"],
            "by": meta["actor_id"],
        }
    )
    return stamp(doc, meta)
