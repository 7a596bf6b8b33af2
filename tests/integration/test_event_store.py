"""The goal application on both event stores: SQLite (embedded default) and PostgreSQL."""

import threading

import pytest

from okr_goals.errors import VersionConflict
from okr_goals.objectives.commands import Change, CreateObjective, NewKeyResult, ReviseObjective
from tests.conftest import postgres_env
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, seed


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request, tmp_path):
    if request.param == "sqlite":
        return {
            "GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "GOALS_SQLITE_DBNAME": str(tmp_path / "events.db"),
        }
    infra = request.getfixturevalue("infra")
    return postgres_env(infra, request.getfixturevalue("postgres_db"))


def create(app):
    seed(app)
    command = CreateObjective(
        "Grow",
        "company",
        "org_unit",
        "acme",
        CYCLE,
        key_results=(NewKeyResult("ARR", "increase_to", start=1.0, target=2.0),),
    )
    return app.objectives.create_objective(command, ADMIN).objective


def revise(app, oid, version, changes, reason=None):
    return app.objectives.revise_objective(
        ReviseObjective(Change(oid, version, reason), changes), ADMIN
    )


def test_history_survives_a_restart_and_old_versions_stay_readable(store_env):
    app = goal_features(env=store_env)
    oid = str(create(app).id)
    for i in range(5):
        revise(app, oid, i + 1, {"title": f"Grow v{i}"}, "iterate")
    stored = app.store.recorder.max_notification_id()
    reopened = goal_features(env=store_env)
    assert reopened.objectives.get_objective(ADMIN, oid).version == 6
    assert reopened.objectives.get_objective(ADMIN, oid, version=3).title == "Grow v1"
    assert reopened.store.recorder.max_notification_id() == stored


def test_two_writers_on_the_same_version_one_wins_one_gets_a_conflict(store_env):
    first, second = goal_features(env=store_env), goal_features(env=store_env)
    oid = str(create(first).id)
    barrier = threading.Barrier(2)
    outcomes = []

    def write(app, title):
        barrier.wait()
        try:
            revise(app, oid, 1, {"title": title})
            outcomes.append("ok")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=write, args=(a, t)) for a, t in ((first, "A"), (second, "B"))
    ]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["conflict", "ok"]
    assert first.objectives.get_objective(ADMIN, oid).version == 2


def test_snapshots_are_taken_for_long_histories(store_env):
    app = goal_features(env=store_env)
    objective = create(app)
    oid = str(objective.id)
    for i in range(1, 401):
        revise(app, oid, i, {"description": f"step {i}"})
    snapshots = list(app.store.snapshots.get(objective.id))
    assert [s.originator_version for s in snapshots] == [200, 400]
    assert app.objectives.get_objective(ADMIN, oid).description == "step 400"
