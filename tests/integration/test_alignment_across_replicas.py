"""Two goal-service replicas on one PostgreSQL store cannot together close a circle of alignment
links."""

import threading

from okr_goals.alignment.commands import Align
from okr_goals.errors import AlignmentCycle
from okr_goals.objectives.commands import Change, CreateObjective
from okr_goals.tenant_locks import PostgresTenantLocks
from okr_shared.event_store import postgres_conninfo
from tests.conftest import postgres_env
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, seed


def test_opposite_links_added_at_once_on_two_replicas_leave_no_circle(infra, postgres_db):
    env = postgres_env(infra, postgres_db)
    replicas = [
        goal_features(env=env, tenant_locks=PostgresTenantLocks(postgres_conninfo(env, "GOALS")))
        for _ in range(2)
    ]
    seed(replicas[0])
    for round_ in range(5):
        a, b = (
            replicas[0]
            .objectives.create_objective(
                CreateObjective(f"{name} {round_}", "department", "org_unit", unit, CYCLE), ADMIN
            )
            .objective
            for name, unit in (("Sell", "sales"), ("Ship", "rnd"))
        )
        barrier, outcomes = threading.Barrier(2), []

        def link(replica, child, parent, barrier=barrier, outcomes=outcomes):
            barrier.wait()
            try:
                replica.alignment.align(
                    Align(Change(str(child.id), child.version), str(parent.id), 1.0), ADMIN
                )
                outcomes.append("linked")
            except AlignmentCycle:
                outcomes.append("refused")

        threads = [
            threading.Thread(target=link, args=(replicas[0], a, b)),
            threading.Thread(target=link, args=(replicas[1], b, a)),
        ]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert sorted(outcomes) == ["linked", "refused"]
