"""A goal service with a team objective and a check-in service on in-memory stores."""

from datetime import UTC, datetime

from okr_checkins.adapters.knowledge_store import MemoryKnowledge
from okr_checkins.application.clock import FixedClock
from okr_checkins.application.service import CheckinsApplication
from okr_goals.application.commands import AdvanceCycle, CreateObjective, NewKeyResult
from okr_goals.application.service import GoalsApplication
from tests.support.checkins import learn_from
from tests.support.org import ADMIN, CYCLE, caller, seed

FEB = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)


class World:
    """A goal service with a team objective (numeric and milestone key results) and a check-in
    service."""

    def __init__(self) -> None:
        self.goals = GoalsApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        seed(self.goals)
        krs = (
            NewKeyResult(
                "Checkout time", "decrease_to", 0.6, owner_id="dev", start=90.0, target=30.0
            ),
            NewKeyResult("New checkout live", "milestone", 0.4),
        )
        self.objective = self.goals.create_objective(
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
        self.private = self.goals.create_objective(private, caller("rep")).objective
        self.goals.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), ADMIN)
        self.knowledge = MemoryKnowledge()
        self.clock = FixedClock(FEB)
        self.app = CheckinsApplication(
            env={"PERSISTENCE_MODULE": "eventsourcing.popo"},
            knowledge=self.knowledge,
            clock=self.clock,
        )
        self.learn()

    def learn(self) -> None:
        learn_from(self.goals, self.knowledge)

    @property
    def numeric(self) -> str:
        return self.objective.key_results[0].key_result_id

    @property
    def milestone(self) -> str:
        return self.objective.key_results[1].key_result_id

    def stored(self) -> int:
        return self.app.recorder.max_notification_id() or 0
