"""Open grading per person: pure folds of `GradingDue` / `GradingOverdue` and of the review events
that settle them.

An item per review, person and role (`owner` or `manager`) lists the key results the reminders
named; those still open are the ones without the score the role owes (a self-score for the
owner, a manager score, by any manager above the owner, for the manager). What the reminders
said only escalates (due, then overdue) and moves to the latest period. Each review keeps which
key results were self- and manager-scored and whether it was finalised (the review's grading
state), so a score that arrives before the reminder naming its key result (the review service
saw the review before the score was saved) still settles it, and a duplicate changes nothing.
`ReviewFinalised` settles every item of the review.
"""

from __future__ import annotations

import copy
from typing import Any

from okr_projections.check_in_state import as_time
from okr_projections.documents import Document, Meta, new_document, tenant_key
from okr_shared.contracts import vocabulary

REMINDER_EVENTS = {"GradingDue": "due", "GradingOverdue": "overdue"}
SETTLING_EVENTS = ("KeyResultScored", "ReviewFinalised")
OWNER, MANAGER = vocabulary.choose(vocabulary.GRADING_REMINDER_ROLES, "owner", "manager")
SELF_KIND, MANAGER_KIND = vocabulary.choose(vocabulary.SCORE_KINDS, "self", "manager")
DONE = "done"
OPEN_STATUSES = ("due", "overdue")
_RANK = {"due": 0, "overdue": 1}
_SCORED_BY_ROLE = {OWNER: "self_scored", MANAGER: "manager_scored"}


def item_key(tenant_id: str, review_id: str, person_id: str, role: str) -> str:
    """The `_id` of a person's grading item of a review in a role."""
    return f"{tenant_id}:{review_id}:{person_id}:{role}"


def state_key(tenant_id: str, review_id: str) -> str:
    """The `_id` of a review's grading state."""
    return tenant_key(tenant_id, review_id)


def empty_state(tenant_id: str, review_id: str) -> Document:
    """The grading state of a review nothing was learned of yet."""
    return {
        "_id": state_key(tenant_id, review_id),
        "tenant_id": tenant_id,
        "review_id": review_id,
        "self_scored": [],
        "manager_scored": [],
        "finalised": False,
    }


def apply_score(state: Document, event_type: str, data: dict[str, Any]) -> Document:
    """The review's grading state after `KeyResultScored` or `ReviewFinalised`."""
    state = copy.deepcopy(state)
    if event_type == "ReviewFinalised":
        state["finalised"] = True
        return state
    field = {SELF_KIND: "self_scored", MANAGER_KIND: "manager_scored"}.get(data["kind"])
    if field is not None and data["key_result_id"] not in state[field]:
        state[field] = sorted([*state[field], data["key_result_id"]])
    return state


def settled(item: Document, state: Document) -> Document:
    """The item with its open key results and status as the review's grading state has them."""
    scored = set(state[_SCORED_BY_ROLE[item["role"]]])
    still_open = [k for k in item["key_result_ids"] if k not in scored]
    status = DONE if state["finalised"] or not still_open else item["reminder"]
    return {**item, "open_key_result_ids": still_open, "status": status}


def apply_reminder(
    item: Document | None, state: Document, event_type: str, data: dict[str, Any], meta: Meta
) -> Document:
    """The person's item after a grading reminder, settled by the review's grading state."""
    reminder = REMINDER_EVENTS[event_type]
    if item is None:
        item = new_document(
            item_key(meta["tenant_id"], data["review_id"], data["person_id"], data["role"]),
            meta,
            {
                "review_id": data["review_id"],
                "cycle_id": data["cycle_id"],
                "objective_id": data["objective_id"],
                "person_id": data["person_id"],
                "role": data["role"],
                "key_result_ids": [],
                "reminder": reminder,
                "period_start": as_time(data["period_start"]),
                "period_end": as_time(data["period_end"]),
                "due_by": as_time(data["due_by"]),
                "due_at": None,
                "overdue_at": None,
            },
        )
    item = copy.deepcopy(item)
    item["key_result_ids"] = sorted({*item["key_result_ids"], *data["key_result_ids"]})
    if _RANK[reminder] > _RANK[item["reminder"]]:
        item["reminder"] = reminder
    if as_time(data["period_start"]) >= as_time(item["period_start"]):
        item.update(
            period_start=as_time(data["period_start"]),
            period_end=as_time(data["period_end"]),
            due_by=as_time(data["due_by"]),
        )
    if item[f"{reminder}_at"] is None:
        item[f"{reminder}_at"] = as_time(meta["time"])
    return settled(item, state)
