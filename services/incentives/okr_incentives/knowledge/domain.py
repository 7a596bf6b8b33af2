"""The incentive service's own record of the directory, cycles, objectives and finalised reviews,
folded from `okr.goals.v1` and `okr.reviews.v1`.

- A person: manager, org unit, whether active, and the spells they were in the company. The
  directory events carry no hiring date, so a spell starts when the directory recorded the person
  (`PersonJoined` or `PersonReturned`, the CloudEvent's time) and ends when it recorded them
  leaving (`PersonLeft`).
- An org unit with its parent; a cycle with its dates and state; an objective with its cycle,
  level, owner, unit, visibility, status and commitment.
- An objective's key results with their owners (for recognition), and per key result the
  check-ins recorded on it (the CloudEvent's time of `CheckInRecorded`/`CheckInCorrected`) and
  the periods it was due for (`CheckInDue`: owner, cadence, period) from `okr.checkins.v1`.
- A review, once finalised: its cycle, objective and commitment, the objective's standing score
  (the final score, then each admin's correction) and the evidence: every review event it
  stands on as `{event_id, type, sequence, review_id}`. Other review events are not needed.

Documents are plain dicts; folds are pure.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

from okr_shared.contracts import vocabulary

Doc = dict[str, Any]

OBJECTIVE_EVENTS = vocabulary.OBJECTIVE_EVENTS
CYCLE_EVENTS = {name: vocabulary.CYCLE_STATE_OF.get(name) for name in vocabulary.CYCLE_EVENTS}
PERSON_EVENTS = vocabulary.PERSON_EVENTS
UNIT_EVENTS = vocabulary.ORG_UNIT_EVENTS
(CORRECTION,) = vocabulary.choose(vocabulary.SCORE_KINDS, "correction")
(DEFAULT_COMMITMENT,) = vocabulary.choose(vocabulary.COMMITMENTS, "aspirational")
FINALISED = "ReviewFinalised"
SCORED = "KeyResultScored"
CHECK_IN_LOG_EVENTS = vocabulary.CHECK_IN_LOG_EVENTS
(DUE,) = vocabulary.choose(vocabulary.REMINDER_EVENTS, "CheckInDue")
REVIEW_EVENTS = frozenset({FINALISED, SCORED}) & vocabulary.events_of("reviews", "review")
OBJECTIVE_FIELDS = (
    "level",
    "owner_type",
    "owner_id",
    "org_unit_id",
    "visibility",
    "status",
    "commitment",
)
KEYS = {
    "objective": "objective_id",
    "cycle": "cycle_id",
    "person": "person_id",
    "org_unit": "org_unit_id",
    "review": "review_id",
    "check_in_log": "key_result_id",
    "reminders": "key_result_id",
}


def kind_of(context: str, event_type: str, data: dict[str, Any]) -> str | None:
    """Which knowledge document an event updates (None: not needed here)."""
    if context == "goals":
        if event_type in OBJECTIVE_EVENTS:
            return "objective"
        if event_type in CYCLE_EVENTS:
            return "cycle"
        if event_type in PERSON_EVENTS:
            return "person"
        if event_type in UNIT_EVENTS:
            return "org_unit"
    if context == "reviews" and (
        event_type == FINALISED or (event_type == SCORED and data.get("kind") == CORRECTION)
    ):
        return "review"
    if context == "checkins" and event_type in CHECK_IN_LOG_EVENTS:
        return "check_in_log"
    if context == "checkins" and event_type == DUE:
        return "reminders"
    return None


def key_of(kind: str, data: dict[str, Any]) -> str:
    return data[KEYS[kind]]


def evidence_of(event_id: str, event_type: str, sequence: int, review_id: str) -> Doc:
    """How an award names a review event it stands on."""
    return {"event_id": event_id, "type": event_type, "sequence": sequence, "review_id": review_id}


def _created(event_type: str, data: dict[str, Any], at: datetime) -> Doc | None:
    """The document a goal event creates; None for events that change an existing one."""
    if event_type == "ObjectiveCreated":
        return {k: data.get(k) for k in OBJECTIVE_FIELDS} | {
            "objective_id": data["objective_id"],
            "cycle_id": data["cycle_id"],
            "commitment": data.get("commitment") or DEFAULT_COMMITMENT,
            "key_results": {
                kr["key_result_id"]: {"owner_id": kr.get("owner_id")} for kr in data["key_results"]
            },
        }
    if event_type == "CyclePlanned":
        return {k: data[k] for k in ("cycle_id", "name", "starts_on", "ends_on")} | {
            "state": "planning"
        }
    if event_type == "PersonJoined":
        return {k: data[k] for k in ("person_id", "name", "manager_id", "org_unit_id")} | {
            "active": True,
            "spells": [{"from": at.isoformat(), "to": None}],
        }
    if event_type == "OrgUnitCreated":
        return {k: data[k] for k in ("org_unit_id", "name", "parent_id")}
    return None


def _goal_changed(doc: Doc, event_type: str, data: dict[str, Any], at: datetime) -> None:
    if event_type == "ObjectiveRevised":
        doc.update({k: v for k, v in data["changes"].items() if k in OBJECTIVE_FIELDS})
    elif event_type == "ObjectiveStatusChanged":
        doc["status"] = data["status"]
    elif event_type == "KeyResultAdded":
        kr = data["key_result"]
        doc.setdefault("key_results", {})[kr["key_result_id"]] = {"owner_id": kr.get("owner_id")}
    elif event_type == "KeyResultRevised" and "owner_id" in data["changes"]:
        doc.setdefault("key_results", {}).setdefault(data["key_result_id"], {})["owner_id"] = data[
            "changes"
        ]["owner_id"]
    elif event_type in CYCLE_EVENTS:
        doc["state"] = CYCLE_EVENTS[event_type] or doc["state"]
    elif event_type == "PersonMoved":
        doc.update(org_unit_id=data["org_unit_id"], manager_id=data["manager_id"])
    elif event_type == "PersonLeft" and doc["active"]:
        doc["active"] = False
        doc["spells"] = [*doc["spells"][:-1], {**doc["spells"][-1], "to": at.isoformat()}]
    elif event_type == "PersonReturned":
        doc.update(active=True, org_unit_id=data["org_unit_id"], manager_id=data["manager_id"])
        doc["spells"] = [*doc["spells"], {"from": at.isoformat(), "to": None}]
    elif event_type == "OrgUnitMoved":
        doc["parent_id"] = data["parent_id"]


def _review_learned(
    doc: Doc | None, event_type: str, data: dict[str, Any], evidence: Doc, at: datetime
) -> Doc | None:
    if event_type == FINALISED:
        return {
            "review_id": data["review_id"],
            "cycle_id": data["cycle_id"],
            "objective_id": data["objective_id"],
            "commitment": data["commitment"],
            "score": data["score"],
            "finalised_at": at.isoformat(),
            "evidence": [evidence],
        }
    if doc is None:
        return None
    doc["score"] = data["objective_score"]
    doc["evidence"] = [*doc["evidence"], evidence]
    return doc


def _check_in_learned(doc: Doc | None, event_type: str, data: dict[str, Any], at: datetime) -> Doc:
    """A key result's check-ins (when each was recorded) or the periods it was due for."""
    if event_type == DUE:
        doc = doc or {"key_result_id": data["key_result_id"], "dues": []}
        due = {k: data[k] for k in ("owner_id", "cadence", "period_start", "period_end")}
        if due not in doc["dues"]:
            doc["dues"] = [*doc["dues"], due]
        return doc
    doc = doc or {"key_result_id": data["key_result_id"], "check_ins": []}
    doc["check_ins"] = [
        *doc["check_ins"],
        {"check_in_id": data["check_in_id"], "recorded_at": at.isoformat()},
    ]
    return doc


def fold(
    doc: Doc | None,
    context: str,
    event_type: str,
    data: dict[str, Any],
    at: datetime,
    evidence: Doc | None = None,
) -> Doc | None:
    """The document after the event (`at`: when it was published; `evidence`: how a review event
    is named); None when the event cannot apply yet (its creation is missing)."""
    doc = copy.deepcopy(doc)
    if context == "checkins":
        return _check_in_learned(doc, event_type, data, at)
    if context == "reviews":
        return _review_learned(doc, event_type, data, evidence or {}, at)
    created = _created(event_type, data, at)
    if created is not None:
        return created
    if doc is None:
        return None
    if event_type == "PersonalDataErased":
        return doc | {"name": None, "erased": True}
    _goal_changed(doc, event_type, data, at)
    return doc


def _day(value: str) -> date:
    return datetime.fromisoformat(value).date()


def days_present(spells: list[Doc], starts_on: str, ends_on: str) -> int:
    """The days of the cycle (first to last day, included) the person was in the company: a day
    counts from the day a spell starts, up to the day before it ends."""
    first, end = date.fromisoformat(starts_on), date.fromisoformat(ends_on) + timedelta(days=1)
    days = 0
    for spell in spells:
        low = max(first, _day(spell["from"]))
        high = min(end, _day(spell["to"])) if spell["to"] else end
        days += max(0, (high - low).days)
    return days


def cycle_days(starts_on: str, ends_on: str) -> int:
    return (date.fromisoformat(ends_on) - date.fromisoformat(starts_on)).days + 1


def active_at(spells: list[Doc], at: str) -> bool:
    """Whether a spell covers the instant."""
    moment = datetime.fromisoformat(at)
    return any(
        datetime.fromisoformat(s["from"]) <= moment
        and (s["to"] is None or moment < datetime.fromisoformat(s["to"]))
        for s in spells
    )
