"""What the services' PostgreSQL event stores hold, read with SQL from outside the services:
the check-ins recorded and the objectives created, and a key result's value recomputed from
them as the check-in service defines it (the latest effective check-in known at an instant)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from tests.support.infra import Infra, pg_conninfo


@dataclass
class Stored:
    check_ins: dict[tuple[str, str], list[dict]] = field(default_factory=lambda: defaultdict(list))
    """(tenant, key result) → its check-ins in recording order."""
    objectives: dict[str, str] = field(default_factory=dict)
    """objective id → tenant."""


def read(infra: Infra, goals_db: str, checkins_db: str) -> Stored:
    stored = Stored()
    with psycopg.connect(pg_conninfo(infra, checkins_db)) as conn:
        rows = conn.execute(
            "SELECT state FROM checkins_events WHERE topic LIKE %s ORDER BY notification_id",
            ("%:KeyResultLog.Recorded",),
        )
        for (state,) in rows:
            event = json.loads(bytes(state))
            c = event["check_in"]
            stored.check_ins[(event["meta"]["tenant_id"], c["key_result_id"])].append(c)
    with psycopg.connect(pg_conninfo(infra, goals_db)) as conn:
        rows = conn.execute(
            "SELECT originator_id, state FROM goals_events WHERE topic LIKE %s",
            ("%:Objective.Created",),
        )
        for oid, state in rows:
            stored.objectives[str(oid)] = json.loads(bytes(state))["tenant_id"]
    return stored


def value_known_at(check_ins: list[dict], known_at: datetime | None = None) -> float | None:
    """The value of the latest effective check-in recorded by `known_at` (no corrections)."""
    known = [
        c
        for c in check_ins
        if known_at is None or datetime.fromisoformat(c["recorded_at"]) <= known_at
    ]
    if not known:
        return None
    return max(known, key=lambda c: datetime.fromisoformat(c["effective_at"]))["value"]
