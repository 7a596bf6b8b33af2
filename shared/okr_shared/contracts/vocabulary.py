"""The platform's enumerations, field lists and event families, read from the JSON Schemas.

The schemas under `schemas/<context>/<Event>.v<N>.json` are the published contracts and the one
place these facts are written; services, HTTP models and read models import them from here.
Each fact is read from the latest version of the event named beside it; a unit test checks
that every other schema agrees with it. Event families come from the annotation keywords
`x-okr-stream` (the stream an event belongs to) and `x-okr-cycle-state` (the state a cycle
transition enters), which the latest version of every event carries (see the README).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).parent / "schemas"
SCHEMA_FILE = re.compile(r"^(?P<name>[A-Za-z]+)\.v(?P<version>\d+)\.json$")
STREAM = "x-okr-stream"
CYCLE_STATE = "x-okr-cycle-state"


@cache
def schemas() -> Mapping[tuple[str, str, int], dict[str, Any]]:
    """Every shipped schema by (context, event name, version), read once."""
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    for path in sorted(SCHEMA_DIR.glob("*/*.json")):
        match = SCHEMA_FILE.match(path.name)
        if match:
            key = (path.parent.name, match["name"], int(match["version"]))
            found[key] = json.loads(path.read_text())
    return found


@cache
def latest_schemas(context: str) -> Mapping[str, dict[str, Any]]:
    """The latest version of the schema of every event of `context`, by event name."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    for (c, name, version), schema in schemas().items():
        if c == context and version > latest.get(name, (0, {}))[0]:
            latest[name] = (version, schema)
    return {name: schema for name, (_, schema) in sorted(latest.items())}


def field_of(context: str, name: str, *path: str) -> dict[str, Any]:
    """The schema of the field at `path` (property names; an array stands for its items) in the
    latest version of `name`."""
    root = latest_schemas(context)[name]
    node = root
    for part in path:
        node = _resolved(root, node)
        if "items" in node:
            node = _resolved(root, node["items"])
        node = node["properties"][part]
    return _resolved(root, node)


def _resolved(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    if ref is None:
        return node
    target: Any = root
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return target


def enum_of(context: str, name: str, *path: str) -> tuple[str, ...]:
    """The values the field at `path` of the latest version of `name` may take, in order."""
    return tuple(field_of(context, name, *path)["enum"])


def properties_of(context: str, name: str, *path: str) -> tuple[str, ...]:
    """The property names of the object at `path` of the latest version of `name`, in order."""
    return tuple(field_of(context, name, *path)["properties"])


def events_of(context: str, stream: str) -> frozenset[str]:
    """The names of the events of `context` whose latest schema says they belong to `stream`."""
    names = frozenset(
        name for name, schema in latest_schemas(context).items() if schema.get(STREAM) == stream
    )
    if not names:
        raise LookupError(f"no event of {context} belongs to the stream {stream!r}")
    return names


def choose(vocabulary: Iterable[str], *names: str) -> tuple[str, ...]:
    """`names` in the order given, each checked to belong to `vocabulary` (for the subsets that
    are domain rules, such as the statuses a new objective may take)."""
    known = tuple(vocabulary)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"{', '.join(unknown)} not in {', '.join(known)}")
    return names


# ---- goals
LEVELS = enum_of("goals", "ObjectiveCreated", "level")
OWNER_TYPES = enum_of("goals", "ObjectiveCreated", "owner_type")
VISIBILITIES = enum_of("goals", "ObjectiveCreated", "visibility")
OBJECTIVE_STATUSES = enum_of("goals", "ObjectiveCreated", "status")
COMMITMENTS = enum_of("goals", "ObjectiveCreated", "commitment")
KEY_RESULT_KINDS = enum_of("goals", "KeyResultAdded", "key_result", "kind")
INITIATIVE_STATUSES = enum_of("goals", "InitiativeAdded", "initiative", "status")
UNIT_KINDS = enum_of("goals", "OrgUnitCreated", "kind")
CYCLE_CADENCES = enum_of("goals", "CyclePlanned", "cadence")
CYCLE_STATES = enum_of("goals", "CycleActivated", "previous_state")

OBJECTIVE_REVISABLE = properties_of("goals", "ObjectiveRevised", "changes")
KEY_RESULT_REVISABLE = properties_of("goals", "KeyResultRevised", "changes")
INITIATIVE_REVISABLE = properties_of("goals", "InitiativeRevised", "changes")

OBJECTIVE_EVENTS = events_of("goals", "objective")
CYCLE_EVENTS = events_of("goals", "cycle")
ORG_UNIT_EVENTS = events_of("goals", "org_unit")
PERSON_EVENTS = events_of("goals", "person")
CYCLE_STATE_OF: Mapping[str, str] = dict(
    sorted(
        (
            (name, schema[CYCLE_STATE])
            for name, schema in latest_schemas("goals").items()
            if CYCLE_STATE in schema
        ),
        key=lambda item: CYCLE_STATES.index(item[1]),
    )
)
"""The event of each cycle transition and the state it enters, in the order of the states."""

# ---- checkins
CHECK_IN_CADENCES = enum_of("checkins", "CadenceSet", "cadence")
CADENCE_SCOPES = enum_of("checkins", "CadenceSet", "scope")
CONFIDENCE_BANDS = enum_of("checkins", "CheckInRecorded", "confidence_band")
CHECK_IN_SOURCES = enum_of("checkins", "CheckInRecorded", "source")
FEEDBACK_KINDS = enum_of("checkins", "FeedbackGiven", "kind")

CHECK_IN_LOG_EVENTS = events_of("checkins", "check_in_log")
REMINDER_EVENTS = events_of("checkins", "reminder_ledger")
CONVERSATION_EVENTS = events_of("checkins", "conversation")
FEEDBACK_EVENTS = events_of("checkins", "feedback_thread")
CADENCE_EVENTS = events_of("checkins", "cadence")

# ---- reviews
SCORE_KINDS = enum_of("reviews", "KeyResultScored", "kind")
"""Who scored a key result: its owner (self), a manager, an admin's correction, or a leader in a
calibration session (calibration)."""
FINAL_SCORE_KINDS = enum_of("reviews", "ReviewFinalised", "key_results", "score_kind")
"""Where a final key-result score came from: a score kind, or the suggestion nobody changed."""
BAND_COLORS = enum_of("reviews", "ScoringRulesSet", "bands", "committed", "color")
RETROSPECTIVE_SHARINGS = enum_of("reviews", "RetrospectiveWritten", "sharing")
"""Who reads a retrospective: its team only (`team`), or whoever may read its subject (`shared`)."""
GRADING_REMINDER_ROLES = enum_of("reviews", "GradingDue", "role")
"""Whom a grading reminder is for: a key result's owner, or the owner's direct manager."""
GRADING_REMINDER_EVENTS = events_of("reviews", "grading_reminder_ledger")

# ---- incentives
EXPORT_FORMATS = enum_of("incentives", "PayrollExported", "files", "format")
"""The files of a payroll export: CSV (RFC 4180) and JSON."""
NOMINEE_TYPES = enum_of("incentives", "HonourNominated", "nominee_type")
"""Whom an honour is for: a person or a team (an org unit)."""
BADGE_KINDS = enum_of("incentives", "BadgeAwarded", "kind")
