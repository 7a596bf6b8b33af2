"""Check-in tests start from a goal service's real events: stored, published as contracts, learned;
the check-in service's handlers built as `bootstrap` builds them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from okr_checkins.bootstrap import CheckinsHandlers, bootstrap, build_handlers
from okr_checkins.http import create_http_app
from okr_checkins.knowledge.store import KnowledgeStore, apply_goal_event
from okr_checkins.settings import CheckinsSettings
from okr_checkins.store import CheckinsStore
from okr_goals.contracts import to_cloud_event
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from okr_shared.clock import Clock, FixedClock
from okr_shared.contracts import default_registry
from okr_shared.freshness import KnowledgeFreshness
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, caller, seed


def learn_from(goals_app, knowledge: KnowledgeStore) -> int:
    """Feeds every event the goal application stored, in its published form, to the knowledge
    store."""
    registry = default_registry()
    first_versions: dict = {}

    def first(e):
        return first_versions.setdefault(
            e.originator_id, goals_app.repository.get(e.originator_id, version=1)
        )

    learned = 0
    for notification in goals_app.recorder.select_notifications(0, 100_000):
        event = to_cloud_event(goals_app.mapper.to_domain_event(notification), registry, first)
        if event is not None:
            data = registry.read("goals", event)
            learned += apply_goal_event(
                knowledge, event.tenantid, event.schema_name, data, event.sequence
            )
    return learned


POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def checkins_service(
    env: dict[str, str],
    knowledge: KnowledgeStore,
    clock: Clock | None = None,
    freshness: KnowledgeFreshness | None = None,
) -> CheckinsHandlers:
    """The check-in store on `env` and every feature's handlers over it and `knowledge`."""
    return build_handlers(CheckinsStore(env=env), knowledge, clock, freshness)


FEB = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)


class World:
    """A goal service with a team objective (numeric and milestone key results) and a check-in
    service."""

    def __init__(self) -> None:
        self.goals = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        seed(self.goals)
        krs = (
            NewKeyResult(
                "Checkout time", "decrease_to", 0.6, owner_id="dev", start=90.0, target=30.0
            ),
            NewKeyResult("New checkout live", "milestone", 0.4),
        )
        self.objective = self.goals.objectives.create_objective(
            CreateObjective(
                "One-click checkout", "team", "org_unit", "web", CYCLE, key_results=krs
            ),
            ADMIN,
        ).objective
        private = CreateObjective(
            "My growth",
            "individual",
            "person",
            "rep",
            CYCLE,
            visibility="private",
            key_results=(NewKeyResult("Courses", "increase_to", start=0.0, target=3.0),),
        )
        self.private = self.goals.objectives.create_objective(private, caller("rep")).objective
        self.goals.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), ADMIN)
        self.knowledge = MemoryKnowledge()
        self.clock = FixedClock(FEB)
        self.use(checkins_service(POPO, self.knowledge, self.clock))
        self.learn()

    def use(self, service: CheckinsHandlers) -> None:
        """Lets the world's check-in service be `service` (another store, say)."""
        self.service = service
        self.store = service.store
        self.goal_knowledge = service.goals
        self.check_ins = service.check_ins
        self.feed = service.feed
        self.cadences = service.cadences
        self.conversations = service.conversations
        self.feedback = service.feedback

    def learn(self) -> None:
        learn_from(self.goals.store, self.knowledge)

    @property
    def numeric(self) -> str:
        return self.objective.key_results[0].key_result_id

    @property
    def milestone(self) -> str:
        return self.objective.key_results[1].key_result_id

    def stored(self) -> int:
        return self.store.recorder.max_notification_id() or 0


@contextmanager
def http_service() -> Iterator[tuple[TestClient, CheckinsStore, World]]:
    """The check-in service's HTTP app over in-memory stores, knowing the goals of a new World."""
    world = World()
    container = bootstrap(
        CheckinsSettings(event_store={"CHECKINS_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=world.clock,
        knowledge=world.knowledge,
    )
    learn_from(world.goals.store, container.knowledge)
    with TestClient(create_http_app(container, background=False)) as client:
        yield client, container.store, world
