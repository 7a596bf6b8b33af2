"""Review tests start from a goal service's real events (stored, published as contracts and
learned, as Kafka would deliver them) and check-ins in the `okr.checkins.v1` contract; the review
service's handlers built as `bootstrap` builds them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from okr_goals.contracts import to_cloud_event as goal_cloud_event
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from okr_goals.rollover.commands import RolloverCycle
from okr_reviews import keys
from okr_reviews.bootstrap import ReviewsHandlers, build_handlers
from okr_reviews.reminders.domain import GradingReminderLedger
from okr_reviews.store import ReviewsStore
from okr_shared.clock import FixedClock
from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.confidence import band
from okr_shared.contracts import default_registry
from okr_shared.event_meta import Caller
from okr_shared.freshness import KnowledgeFreshness
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, NEXT_CYCLE, caller, seed

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
NOW = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)


def check_in_event(
    tenant: str,
    objective_id: str,
    key_result_id: str,
    value: Any,
    effective_at: str,
    recorded_at: datetime,
    sequence: int,
    corrects: str | None = None,
    check_in_id: str | None = None,
) -> CloudEvent:
    """A `CheckInRecorded` (or, with `corrects`, `CheckInCorrected`) as the check-in service
    publishes it: `recorded_at` is the CloudEvent's time."""
    name = "CheckInCorrected" if corrects else "CheckInRecorded"
    data: dict[str, Any] = {
        "check_in_id": check_in_id or str(uuid.uuid4()),
        "objective_id": objective_id,
        "key_result_id": key_result_id,
        "value": value,
        "confidence": 7,
        "confidence_band": band(7),
        "note": {"progress": "", "plans": "", "problems": ""},
        "blockers": [],
        "effective_at": effective_at,
        "source": "manual",
        "source_key": None,
    }
    if corrects:
        data.update(corrects_check_in_id=corrects, reason="typo")
    default_registry().validate("checkins", name, 1, data)
    return CloudEvent(
        id=str(uuid.uuid4()),
        source="/okr/checkins",
        type=f"okr.checkins.{name}",
        subject=key_result_id,
        time=recorded_at,
        dataschema=schema_urn("checkins", name, 1),
        data=data,
        tenantid=tenant,
        actorid="dev",
        correlationid="corr",
        causationid="req",
        sequence=sequence,
    )


def goal_events(goals_store) -> list[CloudEvent]:
    """Every event the goal application stored, in its published form."""
    registry = default_registry()
    first_versions: dict = {}

    def first(e):
        return first_versions.setdefault(
            e.originator_id, goals_store.repository.get(e.originator_id, version=1)
        )

    found = []
    for notification in goals_store.recorder.select_notifications(0, 100_000):
        domain_event = goals_store.mapper.to_domain_event(notification)
        event = goal_cloud_event(domain_event, registry, first)
        if event is not None:
            found.append(event)
    return found


class World:
    """A goal service with a person-owned objective of `dev` (a numeric and a milestone key
    result), a unit-owned objective of `web` (one key result owned by `dev`, one without owner)
    and a committed objective of `rep`; the cycle active; a review service learning it all."""

    def __init__(
        self,
        freshness: KnowledgeFreshness | None = None,
        handlers: ReviewsHandlers | None = None,
    ) -> None:
        self.goals = goal_features(env=POPO)
        seed(self.goals)
        self.personal = self._objective(
            "Faster checkout",
            "individual",
            "person",
            "dev",
            NewKeyResult("Conversion", "increase_to", 0.75, start=0.0, target=100.0),
            NewKeyResult("Launch", "milestone", 0.25),
            by=caller("dev"),
        )
        self.team = self._objective(
            "Reliable web",
            "team",
            "org_unit",
            "web",
            NewKeyResult("Uptime", "increase_to", 1.0, owner_id="dev", start=90.0, target=100.0),
            NewKeyResult("Docs", "milestone", 1.0),
        )
        self.committed = self._objective(
            "Close the deal",
            "individual",
            "person",
            "rep",
            NewKeyResult("Contract", "milestone", 1.0),
            by=caller("rep"),
        )
        self.commitments = {str(self.committed.id): "committed"}
        self.goals.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), ADMIN)
        self.clock = FixedClock(NOW)
        self.service: ReviewsHandlers = handlers or build_handlers(
            ReviewsStore(env=POPO), MemoryKnowledge(), self.clock, freshness
        )
        self.knowledge = self.service.knowledge.store
        self.store = self.service.store
        self.reviews = self.service.reviews
        self.rules = self.service.rules
        self._learned: set[str] = set()
        self._sequences: dict[str, int] = {}
        self.learn()

    def _objective(self, title, level, owner_type, owner_id, *krs, by=ADMIN):
        command = CreateObjective(title, level, owner_type, owner_id, CYCLE, key_results=krs)
        return self.goals.objectives.create_objective(command, by).objective

    def learn(self) -> int:
        """Delivers every goal event not delivered yet (an objective of `commitments` carries its
        commitment, as ObjectiveCreated v3 will)."""
        learned = 0
        for event in goal_events(self.goals.store):
            if event.id in self._learned:
                continue
            self._learned.add(event.id)
            data = dict(event.data)
            if event.schema_name == "ObjectiveCreated" and data["objective_id"] in self.commitments:
                data["commitment"] = self.commitments[data["objective_id"]]
            self.service.learner.learn(event, data)
            learned += 1
        return learned

    def deliver(self, event: CloudEvent) -> None:
        """Delivers one event (again, if it was delivered before)."""
        self.service.learner.learn(event, event.data)

    def check_in(
        self,
        key_result_id: str,
        value: Any,
        effective_at: str,
        recorded_at: datetime,
        corrects: str | None = None,
    ) -> CloudEvent:
        """Delivers a check-in on a key result of the world's objectives."""
        objective = next(
            o
            for o in (self.personal, self.team, self.committed)
            if any(k.key_result_id == key_result_id for k in o.key_results)
        )
        sequence = self._sequences.get(key_result_id, 1) + 1
        self._sequences[key_result_id] = sequence
        event = check_in_event(
            "acme",
            str(objective.id),
            key_result_id,
            value,
            effective_at,
            recorded_at,
            sequence,
            corrects,
        )
        self.deliver(event)
        return event

    def grade(self) -> None:
        """The cycle enters grading, and the review service learns it."""
        self.goals.cycles.advance_cycle(AdvanceCycle(CYCLE, "grading", "quarter over"), ADMIN)
        self.learn()

    def kr(self, objective, index: int) -> str:
        return objective.key_results[index].key_result_id

    def review_id(self, objective) -> str:
        return str(keys.review_uuid("acme", CYCLE, str(objective.id)))

    def stored(self) -> int:
        return self.store.recorder.max_notification_id() or 0

    # ---- retrospectives: other cycles, rollover, other tenants

    def objective_in(self, cycle_id, title, owner_type="person", owner_id="dev", **fields):
        """An objective of any cycle (by its owner, or an admin for a unit), learned."""
        by = caller(owner_id) if owner_type == "person" else ADMIN
        command = CreateObjective(
            title,
            "individual" if owner_type == "person" else "team",
            owner_type,
            owner_id,
            cycle_id,
            key_results=(NewKeyResult("Done", "milestone", 1.0),),
            **fields,
        )
        objective = self.goals.objectives.create_objective(command, by).objective
        self.learn()
        return objective

    def roll_over(self, objective, to_cycle_id=NEXT_CYCLE) -> str:
        """Rolls the objective over into `to_cycle_id`; the copy's id, learned."""
        command = RolloverCycle(CYCLE, to_cycle_id, objective_ids=(str(objective.id),))
        report = self.goals.rollover.rollover(command, ADMIN)
        self.learn()
        return report.copies[str(objective.id)]

    def close(self) -> None:
        """The cycle closes (after grading), and the review service learns it."""
        self.goals.cycles.advance_cycle(AdvanceCycle(CYCLE, "closed", "done"), ADMIN)
        self.learn()

    def foreign_objective(self, tenant: str = "globex"):
        """An objective of another tenant's cycle of the same name, learned."""
        seed(self.goals, tenant=tenant)
        boss = caller("ceo", admin=True, tenant=tenant)
        command = CreateObjective("Theirs", "company", "org_unit", "acme", CYCLE)
        objective = self.goals.objectives.create_objective(command, boss).objective
        self.learn()
        return objective

    def retrospective_id(self, kind: str, subject_id: str, cycle_id: str = CYCLE) -> str:
        """The retrospective of an objective (`kind` objective) or a team (`org_unit`)."""
        return str(keys.retrospective_uuid("acme", cycle_id, kind, subject_id))


def with_roles(actor: str, *roles: str) -> Caller:
    """A caller of `acme` speaking as `actor` with the token roles given."""
    return Caller(meta=caller(actor).meta, roles=frozenset(roles))


def stored_names(store: ReviewsStore) -> list[str]:
    """The class names of the events the review store holds, in order."""
    return [
        type(store.mapper.to_domain_event(n)).__qualname__
        for n in store.recorder.select_notifications(0, 100_000)
    ]


def _band(low: float, high: float, color: str, en: str, zh: str) -> dict[str, Any]:
    return {"from": low, "to": high, "color": color, "label": {"en": en, "zh": zh}}


FINER_RULES: dict[str, Any] = {
    "step": 0.05,
    "remark_threshold": 0.2,
    "bands": {
        "aspirational": [
            _band(0.0, 0.45, "red", "Missed", "未达成"),
            _band(0.5, 0.75, "yellow", "Progress made", "有进展"),
            _band(0.8, 1.0, "green", "On target", "达成"),
        ],
        "committed": [
            _band(0.0, 0.95, "red", "Miss", "未完成承诺"),
            _band(1.0, 1.0, "green", "Delivered", "完成承诺"),
        ],
    },
}
"""Other rules for re-scoring: a finer step (0.05) and stricter aspirational bands than the
default, so 0.35 is red here and yellow under the default rules."""


def graded_for_rescoring(world: World) -> None:
    """Check-ins before grading (Conversion at 66, Uptime at 97), then grading: under the default
    rules Conversion suggests 0.7 and the team objective scores 0.35, yellow; under
    `FINER_RULES` Conversion suggests 0.65 and the team objective stays 0.35, red."""
    march = datetime(2026, 3, 20, tzinfo=UTC)
    world.check_in(world.kr(world.personal, 0), 66.0, "2026-03-20T00:00:00Z", march)
    world.check_in(world.kr(world.team, 0), 97.0, "2026-03-20T00:00:00Z", march)
    world.grade()


def grading_reminders(store) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """(kind, person, role, period start, key result ids) of every grading reminder stored."""
    kinds = {GradingReminderLedger.DueSent: "due", GradingReminderLedger.OverdueSent: "overdue"}
    found = []
    for notification in store.recorder.select_notifications(0, 100_000):
        event = store.mapper.to_domain_event(notification)
        if type(event) in kinds:
            found.append(
                (
                    kinds[type(event)],
                    event.person_id,
                    event.role,
                    event.period_start,
                    tuple(event.key_result_ids),
                )
            )
    return found


def grading_opened_at(world: World) -> datetime:
    """When the world's cycle entered grading, as the review service learned it."""
    cycle = world.knowledge.load("acme", "cycle", CYCLE)[1]
    return datetime.fromisoformat(cycle["grading_opened_at"])
