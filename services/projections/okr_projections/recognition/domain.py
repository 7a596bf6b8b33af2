"""Recognition items (collection `recognition`), folded from `okr.incentives.v1`: one document
per kudos, per nomination (its state follows the decision) and per badge.

- `kudos`: giver, recipient, the objective (and key result) it is on, points, message, `at`.
- `honour`: the nominee (person or org unit), the honour, citation, state (`nominated`,
  `approved`, `declined`), who decided and why; `org_unit_id` is the nominee's unit when it was
  nominated (the team itself, or the person's unit in the directory read model; when the person
  is not projected yet, none: the wall then places the honour by the person's unit at reading).
- `badge`: a person's streak badge (`badge`: its kind, e.g. `check_in_streak`).

Served: a kudos to whoever may read its objective (no objective projected: nobody but admins
and auditors), an honour once approved and a badge to everyone in the tenant.
"""

from __future__ import annotations

import copy
from typing import Any

from okr_projections.documents import Document, Meta, new_document, stamp
from okr_shared.contracts import vocabulary

KUDOS, HONOUR, BADGE = "kudos", "honour", "badge"
APPROVED = "approved"
CYCLE_EVENTS = vocabulary.events_of("incentives", "cycle_recognition")
BADGE_EVENTS = vocabulary.events_of("incentives", "person_badges")
RECOGNITION_EVENTS = CYCLE_EVENTS | BADGE_EVENTS
NOT_PROJECTED = vocabulary.events_of("incentives", "recognition_settings")
"""The tenant's recognition settings: no read model's."""
INCENTIVE_EVENTS = frozenset(vocabulary.latest_schemas("incentives"))
CREATING = frozenset({"KudosGiven", "HonourNominated", "BadgeAwarded"})
DECISIONS = {"HonourApproved": APPROVED, "HonourDeclined": "declined"}
NOMINEE = ("nomination_id", "cycle_id", "nominee_type", "nominee_id", "honour")


def item_key(tenant_id: str, event_type: str, data: dict[str, Any]) -> str:
    if event_type == "KudosGiven":
        return f"{tenant_id}:{KUDOS}:{data['kudos_id']}"
    if event_type in BADGE_EVENTS:
        return f"{tenant_id}:{BADGE}:{data['badge_id']}"
    return f"{tenant_id}:{HONOUR}:{data['nomination_id']}"


def fold(
    doc: Document | None,
    event_type: str,
    data: dict[str, Any],
    meta: Meta,
    nominee_unit: str | None = None,
) -> Document:
    """The item after the event (a decision arriving before its nomination creates it)."""
    key = item_key(meta["tenant_id"], event_type, data)
    at = meta["time"]
    if event_type == "KudosGiven":
        fields = {k: v for k, v in data.items() if k != "given_at"}
        return stamp(new_document(key, meta, {"kind": KUDOS, **fields, "at": at}), meta)
    if event_type in BADGE_EVENTS:
        fields = {k: v for k, v in data.items() if k != "kind"}
        item = {"kind": BADGE, **fields, "badge": data["kind"], "at": at}
        return stamp(new_document(key, meta, item), meta)
    doc = copy.deepcopy(doc)
    if doc is None:
        doc = new_document(
            key,
            meta,
            {
                "kind": HONOUR,
                **{k: data[k] for k in NOMINEE},
                "org_unit_id": nominee_unit,
                "citation": None,
                "nominated_by": None,
                "state": "nominated",
                "decided_by": None,
                "reason": None,
                "at": at,
            },
        )
    if event_type == "HonourNominated":
        doc.update(citation=data["citation"], nominated_by=data["nominated_by"])
    else:
        doc.update(
            state=DECISIONS[event_type],
            decided_by=data["decided_by"],
            reason=data["reason"],
            at=at,
        )
    return stamp(doc, meta)
