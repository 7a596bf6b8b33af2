"""Incentive tests start from goal and review events in their published contracts (validated
here, delivered as Kafka would deliver them, at the times the test says) and the incentive
service's handlers built as `bootstrap` builds them.

`SmallOrg` is the organisation the hand-computed awards are about (cycle 2026-Q1, 90 days):

| person | unit  | manager | in the company           | objectives: level, commitment, score |
|--------|-------|---------|--------------------------|--------------------------------------|
| vps    | sales | ceo     | since 2025               | department committed 0.7             |
| rep    | sales | vps     | since 2025               | individual aspirational 0.3          |
| gone   | sales | vps     | 2025 until 20 March      | individual aspirational 0.9          |
| lead   | web   | ceo     | since 2025               | team committed 0.9                   |
| dev    | web   | lead    | since 2025               | individual aspirational 0.8,         |
|        |       |         |                          | team committed 0.5                   |
| new    | web   | lead    | since 15 March (17 days) | individual aspirational 1.0          |

and a unit-owned objective of `web` (team, 0.6) that counts for nobody. `POLICY` is the policy
the literal numbers of the tests are computed from.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from okr_incentives.bootstrap import IncentivesHandlers, build_handlers
from okr_incentives.store import IncentivesStore
from okr_shared.clock import FixedClock
from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.contracts import default_registry
from okr_shared.event_meta import Caller, EventMeta
from okr_shared.freshness import KnowledgeFreshness
from okr_shared.knowledge_table import MemoryKnowledge

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
TENANT = "acme"
CYCLE = "2026-Q1"
NOW = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
LONG_AGO = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
FINALISED_AT = datetime(2026, 4, 5, 9, 0, tzinfo=UTC)
GREEN = {"color": "green", "label": {"en": "On target", "zh": "达成"}}

POLICY: dict[str, Any] = {
    "bands": [
        {"from": 0.0, "to": 0.4, "points": 0, "multiplier": 0.0},
        {"from": 0.4, "to": 0.7, "points": 100, "multiplier": 1.0},
        {"from": 0.7, "to": 1.0, "points": 200, "multiplier": 1.5},
    ],
    "level_factors": {"department": 2, "team": 1.5, "individual": 1},
    "commitment_factors": {"committed": 2, "aspirational": 1},
    "eligibility": {"min_days_in_cycle": 30},
    "caps": {"per_person": 180, "per_cycle": None},
    "budgets": {"web": 210},
}


def caller(actor: str = "ceo", *roles: str, tenant: str = TENANT) -> Caller:
    meta = EventMeta(tenant, actor, f"corr-{actor}", "req")
    return Caller(meta=meta, roles=frozenset(roles))


ADMIN = caller("ceo", "admin")


def oid(name: str) -> str:
    """A stable uuid for a name (objective, review, key result)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"okr-test/{name}"))


def cloud_event(
    context: str,
    name: str,
    subject: str,
    data: dict[str, Any],
    at: datetime,
    sequence: int,
    tenant: str = TENANT,
) -> CloudEvent:
    """An event as its producer publishes it, its data checked against the contract."""
    registry = default_registry()
    version = registry.latest_version(context, name)
    registry.validate(context, name, version, data)
    return CloudEvent(
        id=str(uuid.uuid4()),
        source=f"/okr/{context}",
        type=f"okr.{context}.{name}",
        subject=subject,
        time=at,
        dataschema=schema_urn(context, name, version),
        data=data,
        tenantid=tenant,
        actorid="ceo",
        correlationid="corr",
        causationid="req",
        sequence=sequence,
    )


class Feed:
    """Goal and review events of one tenant, each stream numbered as its producer numbers it."""

    def __init__(self, tenant: str = TENANT) -> None:
        self.tenant = tenant
        self._sequences: defaultdict[tuple[str, str], int] = defaultdict(int)

    def event(self, context: str, name: str, subject: str, data: dict, at: datetime) -> CloudEvent:
        self._sequences[(context, subject)] += 1
        sequence = self._sequences[(context, subject)]
        return cloud_event(context, name, subject, data, at, sequence, self.tenant)

    def skip(self, context: str, subject: str, events: int = 1) -> None:
        """Numbers events of a stream this feed does not deliver (a review's scores)."""
        self._sequences[(context, subject)] += events

    def unit(self, unit_id: str, parent: str | None, at: datetime = LONG_AGO) -> CloudEvent:
        kind = "company" if parent is None else "team"
        data = {"org_unit_id": unit_id, "name": unit_id, "kind": kind, "parent_id": parent}
        return self.event("goals", "OrgUnitCreated", unit_id, data, at)

    def joined(self, person: str, unit: str, manager: str | None, at: datetime) -> CloudEvent:
        data = {
            "person_id": person,
            "name": person.title(),
            "email": f"{person}@acme.test",
            "manager_id": manager,
            "org_unit_id": unit,
            "locale": "en",
        }
        return self.event("goals", "PersonJoined", person, data, at)

    def left(self, person: str, at: datetime) -> CloudEvent:
        return self.event("goals", "PersonLeft", person, {"person_id": person}, at)

    def cycle(self, cycle_id: str = CYCLE) -> CloudEvent:
        data = {
            "cycle_id": cycle_id,
            "name": cycle_id,
            "cadence": "quarterly",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-31",
        }
        return self.event("goals", "CyclePlanned", cycle_id, data, LONG_AGO)

    def objective(
        self,
        name: str,
        owner: str,
        level: str,
        commitment: str,
        owner_type: str = "person",
        unit: str | None = None,
        cycle_id: str = CYCLE,
        status: str = "active",
    ) -> CloudEvent:
        data = {
            "objective_id": oid(name),
            "title": name,
            "description": "",
            "level": level,
            "owner_type": owner_type,
            "owner_id": owner,
            "org_unit_id": unit,
            "cycle_id": cycle_id,
            "tags": [],
            "visibility": "public",
            "status": status,
            "commitment": commitment,
            "key_results": [],
            "alignments": [],
            "rolled_over_from": None,
        }
        return self.event("goals", "ObjectiveCreated", oid(name), data, LONG_AGO)

    def opened(self, name: str, commitment: str, cycle_id: str = CYCLE) -> CloudEvent:
        review_id = oid(f"review/{name}")
        data = {
            "review_id": review_id,
            "cycle_id": cycle_id,
            "objective_id": oid(name),
            "commitment": commitment,
            "rule_version": 0,
            "cycle_ends_on": "2026-03-31",
            "grading_opened_at": "2026-04-01T09:00:00Z",
            "key_results": [],
        }
        return self.event("reviews", "ReviewOpened", review_id, data, FINALISED_AT)

    def finalised(
        self,
        name: str,
        commitment: str,
        score: float,
        at: datetime = FINALISED_AT,
        cycle_id: str = CYCLE,
    ) -> CloudEvent:
        review_id = oid(f"review/{name}")
        data = {
            "review_id": review_id,
            "cycle_id": cycle_id,
            "objective_id": oid(name),
            "commitment": commitment,
            "rule_version": 0,
            "score": score,
            "band": GREEN,
            "key_results": [],
            "reason": "calibration done",
        }
        return self.event("reviews", "ReviewFinalised", review_id, data, at)

    def scored(
        self,
        name: str,
        objective_score: float,
        kind: str = "correction",
        reason: str | None = "the survey was miscounted",
        at: datetime = NOW,
        cycle_id: str = CYCLE,
    ) -> CloudEvent:
        review_id = oid(f"review/{name}")
        data = {
            "review_id": review_id,
            "cycle_id": cycle_id,
            "objective_id": oid(name),
            "key_result_id": oid(f"kr/{name}"),
            "kind": kind,
            "score": objective_score,
            "previous_score": 0.5,
            "suggested_score": 0.5,
            "band": GREEN,
            "objective_score": objective_score,
            "objective_band": GREEN,
            "remark": None,
            "reason": reason,
            "correction": kind == "correction",
            "calibration_session_id": None,
            "rule_version": 0,
        }
        return self.event("reviews", "KeyResultScored", review_id, data, at)


OBJECTIVES = [
    ("vps-growth", "vps", "department", "committed", 0.7),
    ("rep-deals", "rep", "individual", "aspirational", 0.3),
    ("gone-pipeline", "gone", "individual", "aspirational", 0.9),
    ("lead-uptime", "lead", "team", "committed", 0.9),
    ("dev-checkout", "dev", "individual", "aspirational", 0.8),
    ("dev-latency", "dev", "team", "committed", 0.5),
    ("new-onboarding", "new", "individual", "aspirational", 1.0),
]


FINAL_SCORES = {name: (commitment, score) for name, _, _, commitment, score in OBJECTIVES} | {
    "web-docs": ("aspirational", 0.6)
}


def directory_events(feed: Feed) -> list[CloudEvent]:
    """The small organisation's units, people, cycle and objectives on `okr.goals.v1`."""
    events = [feed.unit("acme", None), feed.unit("sales", "acme"), feed.unit("web", "acme")]
    for person, unit, manager in (
        ("ceo", "acme", None),
        ("vps", "sales", "ceo"),
        ("rep", "sales", "vps"),
        ("gone", "sales", "vps"),
        ("lead", "web", "ceo"),
        ("dev", "web", "lead"),
    ):
        events.append(feed.joined(person, unit, manager, LONG_AGO))
    events.append(feed.joined("new", "web", "lead", datetime(2026, 3, 15, 8, 0, tzinfo=UTC)))
    events.append(feed.left("gone", datetime(2026, 3, 20, 17, 0, tzinfo=UTC)))
    events.append(feed.cycle())
    for name, owner, level, commitment, _ in OBJECTIVES:
        events.append(feed.objective(name, owner, level, commitment))
    events.append(feed.objective("web-docs", "web", "team", "aspirational", "org_unit", "web"))
    return events


def review_events(feed: Feed, name: str) -> tuple[CloudEvent, CloudEvent]:
    """`ReviewOpened` and `ReviewFinalised` of the named objective, two scores between them."""
    commitment, score = FINAL_SCORES[name]
    opened = feed.opened(name, commitment)
    feed.skip("reviews", oid(f"review/{name}"), 2)
    return opened, feed.finalised(name, commitment, score)


class SmallOrg:
    """The incentive service learning the small organisation (see the module's table)."""

    def __init__(
        self,
        handlers: IncentivesHandlers | None = None,
        freshness: KnowledgeFreshness | None = None,
    ) -> None:
        self.clock = FixedClock(NOW)
        self.service = handlers or build_handlers(
            IncentivesStore(env=POPO), MemoryKnowledge(), self.clock, freshness
        )
        self.store = self.service.store
        self.policies = self.service.policies
        self.awards = self.service.awards
        self.feed = Feed()
        self.delivered: list[CloudEvent] = []
        self.finals: dict[str, CloudEvent] = {}

    def deliver(self, *events: CloudEvent) -> None:
        for event in events:
            self.delivered.append(event)
            self.service.learner.learn(event, event.data)

    def learn_directory(self) -> None:
        self.deliver(*directory_events(self.feed))

    def finalise(self, *names: str) -> None:
        """The reviews of the named objectives (all, when none) are opened, scored and
        finalised; the service learns their opening and finalisation."""
        for name in names or list(FINAL_SCORES):
            opened, finalised = review_events(self.feed, name)
            self.finals[name] = finalised
            self.deliver(opened, finalised)

    def correct(self, name: str, objective_score: float) -> CloudEvent:
        event = self.feed.scored(name, objective_score)
        self.deliver(event)
        return event

    def stored(self) -> int:
        return self.store.recorder.max_notification_id() or 0


# ---- recognition

WEEK = timedelta(days=7)
FIRST_WEEK = datetime(2026, 1, 5, tzinfo=UTC)
"""A Monday: the first weekly check-in period of the streak tests."""


def key_result(name: str, owner: str | None) -> dict[str, Any]:
    return {
        "key_result_id": oid(f"kr/{name}"),
        "title": name,
        "kind": "increase_to",
        "owner_id": owner,
        "weight": 1.0,
        "unit": "pts",
        "start": 0.0,
        "target": 10.0,
        "currency": None,
        "baseline": None,
        "lower": None,
        "upper": None,
    }


GOALS = [
    # name, owner type, owner, unit, visibility, key results (name, owner)
    ("site", "person", "dev", "web", "public", [("site-speed", "dev"), ("site-a11y", "new")]),
    ("dev-secret", "person", "dev", "web", "private", [("dev-secret-kr", None)]),
    ("web-team", "org_unit", "web", "web", "org_unit", [("web-team-kr", "lead")]),
    ("sales-deals", "person", "rep", "sales", "public", [("sales-deals-kr", "rep")]),
]
"""The goals recognition is given on (cycle 2026-Q1): `dev-secret` is private (dev, lead, the
ceo above them and admins read it); `web-team` is owned by the unit and visible to its units."""


class RecognitionFeed(Feed):
    """Goals with key results, check-ins and the periods they were due for."""

    def goal(
        self,
        name: str,
        owner_type: str,
        owner: str,
        unit: str | None,
        visibility: str,
        key_results: list[tuple[str, str | None]],
    ) -> CloudEvent:
        data = {
            "objective_id": oid(name),
            "title": name,
            "description": "",
            "level": "team" if owner_type == "org_unit" else "individual",
            "owner_type": owner_type,
            "owner_id": owner,
            "org_unit_id": unit,
            "cycle_id": CYCLE,
            "tags": [],
            "visibility": visibility,
            "status": "active",
            "commitment": "aspirational",
            "key_results": [key_result(kr, kr_owner) for kr, kr_owner in key_results],
            "alignments": [],
            "rolled_over_from": None,
        }
        return self.event("goals", "ObjectiveCreated", oid(name), data, LONG_AGO)

    def due(self, kr: str, objective: str, owner: str, start: datetime) -> CloudEvent:
        data = {
            "key_result_id": oid(f"kr/{kr}"),
            "objective_id": oid(objective),
            "owner_id": owner,
            "cadence": "weekly",
            "period_start": start.isoformat(),
            "period_end": (start + WEEK).isoformat(),
        }
        return self.event("checkins", "CheckInDue", oid(f"kr/{kr}"), data, start)

    def check_in(self, kr: str, objective: str, at: datetime) -> CloudEvent:
        data = {
            "check_in_id": str(uuid.uuid4()),
            "objective_id": oid(objective),
            "key_result_id": oid(f"kr/{kr}"),
            "value": 5.0,
            "confidence": 7,
            "confidence_band": "on_track",
            "note": {"progress": "p", "plans": "", "problems": ""},
            "blockers": [],
            "effective_at": at.isoformat(),
            "source": "manual",
            "source_key": None,
        }
        return self.event("checkins", "CheckInRecorded", oid(f"kr/{kr}"), data, at)


class RecognitionOrg(SmallOrg):
    """The small organisation with the recognition goals (`GOALS`) learned."""

    def __init__(
        self,
        handlers: IncentivesHandlers | None = None,
        freshness: KnowledgeFreshness | None = None,
    ) -> None:
        super().__init__(handlers, freshness)
        self.feed = RecognitionFeed()
        self.recognition = self.service.recognition

    def learn_goals(self) -> None:
        self.learn_directory()
        self.deliver(*(self.feed.goal(*goal) for goal in GOALS))

    def week(self, kr: str, objective: str, owner: str, index: int, checked_in: bool = True):
        """The `index`-th weekly period (from `FIRST_WEEK`) due for the key result; with
        `checked_in`, a check-in recorded on its second day."""
        start = FIRST_WEEK + index * WEEK
        self.deliver(self.feed.due(kr, objective, owner, start))
        if checked_in:
            self.deliver(self.feed.check_in(kr, objective, start + timedelta(days=1)))
