"""The goal application on both event stores: SQLite (embedded default) and PostgreSQL."""

import threading

import pytest
from okr_goals.application.commands import CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.application.service import GoalsApplication
from okr_goals.domain.errors import VersionConflict
from okr_goals.domain.objective import EventMeta

from tests.conftest import postgres_env

META = EventMeta(tenant_id="acme", actor_id="alice", correlation_id="c", causation_id="r")


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request, tmp_path):
    if request.param == "sqlite":
        return {"GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite", "GOALS_SQLITE_DBNAME": str(tmp_path / "events.db")}
    infra = request.getfixturevalue("infra")
    return postgres_env(infra, request.getfixturevalue("postgres_db"))


def create(app):
    return app.create_objective(CreateObjective("Grow", "", "ceo", "company", "q1",
                                                (NewKeyResult("ARR", 1.0, 2.0, "M", 1.0),)), META).objective


def test_history_survives_a_restart_and_old_versions_stay_readable(store_env):
    app = GoalsApplication(env=store_env)
    oid = str(create(app).id)
    for i in range(5):
        app.revise_objective(ReviseObjective(oid, i + 1, {"title": f"Grow v{i}"}, "iterate"), META)
    reopened = GoalsApplication(env=store_env)
    assert reopened.get_objective("acme", oid).version == 6
    assert reopened.get_objective("acme", oid, version=3).title == "Grow v1"
    assert [n.id for n in reopened.recorder.select_notifications(1, 10)] == [1, 2, 3, 4, 5, 6]


def test_two_writers_on_the_same_version_one_wins_one_gets_a_conflict(store_env):
    first, second = GoalsApplication(env=store_env), GoalsApplication(env=store_env)
    oid = str(create(first).id)
    barrier = threading.Barrier(2)
    outcomes = []

    def revise(app, title):
        barrier.wait()
        try:
            app.revise_objective(ReviseObjective(oid, 1, {"title": title}, None), META)
            outcomes.append("ok")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=revise, args=(a, t)) for a, t in ((first, "A"), (second, "B"))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["conflict", "ok"]
    assert first.get_objective("acme", oid).version == 2


def test_snapshots_are_taken_for_long_histories(store_env):
    app = GoalsApplication(env=store_env)
    objective = create(app)
    oid = str(objective.id)
    for i in range(1, 401):
        app.revise_objective(ReviseObjective(oid, i, {"description": f"step {i}"}, None), META)
    snapshots = list(app.snapshots.get(objective.id))
    assert [s.originator_version for s in snapshots] == [200, 400]
    assert app.get_objective("acme", oid).description == "step 400"
