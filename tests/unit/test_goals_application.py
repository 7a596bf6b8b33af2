import pytest
from okr_goals.application.commands import AddKeyResult, CreateObjective, NewKeyResult, ReviseObjective
from okr_goals.application.service import GoalsApplication
from okr_goals.domain.errors import IdempotencyConflict, ObjectiveNotFound, VersionConflict
from okr_goals.domain.objective import EventMeta

META = EventMeta(tenant_id="acme", actor_id="alice", correlation_id="c", causation_id="r")
OTHER_TENANT = EventMeta(tenant_id="globex", actor_id="mallory", correlation_id="c", causation_id="r")


@pytest.fixture
def app() -> GoalsApplication:
    return GoalsApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def create(app, key=None, title="Grow revenue"):
    command = CreateObjective(title=title, description="", owner_id="ceo", level="company", cycle_id="2026-Q1",
                              key_results=(NewKeyResult("ARR", 10.0, 20.0, "MEUR", 1.0),), idempotency_key=key)
    return app.create_objective(command, META)


def stored_events(app) -> int:
    return app.recorder.max_notification_id() or 0


def test_retried_create_with_same_idempotency_key_creates_nothing_twice(app):
    first = create(app, key="req-1")
    again = create(app, key="req-1")
    assert again.replayed and again.objective.id == first.objective.id
    assert stored_events(app) == 1


def test_idempotency_key_reused_for_another_request_is_a_conflict(app):
    create(app, key="req-1")
    with pytest.raises(IdempotencyConflict):
        create(app, key="req-1", title="Something else")
    assert stored_events(app) == 1


def test_stale_expected_version_is_a_conflict_not_a_lost_update(app):
    oid = str(create(app).objective.id)
    app.revise_objective(ReviseObjective(oid, 1, {"title": "Grow ARR"}, "focus"), META)
    with pytest.raises(VersionConflict):
        app.revise_objective(ReviseObjective(oid, 1, {"title": "Lost update"}, None), META)
    assert app.get_objective("acme", oid).title == "Grow ARR"


def test_objective_can_be_read_as_of_an_earlier_version(app):
    oid = str(create(app).objective.id)
    app.add_key_result(AddKeyResult(oid, 1, NewKeyResult("Churn", 5.0, 2.0, "%", 0.5)), META)
    assert len(app.get_objective("acme", oid, version=1).key_results) == 1
    assert len(app.get_objective("acme", oid).key_results) == 2


def test_another_tenant_cannot_see_or_change_the_objective(app):
    oid = str(create(app).objective.id)
    with pytest.raises(ObjectiveNotFound):
        app.get_objective("globex", oid)
    with pytest.raises(ObjectiveNotFound):
        app.revise_objective(ReviseObjective(oid, 1, {"title": "hijack"}, None), OTHER_TENANT)
