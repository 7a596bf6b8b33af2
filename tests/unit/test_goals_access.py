"""The goal service answers the access matrix, over its feature handlers and its HTTP API."""

import pytest
from fastapi.testclient import TestClient

from okr_goals import access
from okr_goals.bootstrap import bootstrap
from okr_goals.errors import Forbidden, ObjectiveNotFound
from okr_goals.http import create_http_app
from okr_goals.objectives.commands import AddInitiative, Change, ReviseInitiative
from okr_goals.settings import GoalsSettings
from tests.support.access_matrix import caller_for, cases, seed_goals
from tests.support.goals import goal_features


@pytest.fixture(scope="module")
def world():
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    return app, seed_goals(app)


def readable(app, caller, objective) -> bool:
    try:
        return app.objectives.get_objective(caller, objective.id).id == objective.id
    except ObjectiveNotFound:
        return False


@pytest.mark.parametrize("owner_type, visibility, position, role, reads, changes", list(cases()))
def test_the_goal_service_reads_and_changes_as_the_matrix_says(
    world, owner_type, visibility, position, role, reads, changes
):
    app, objectives = world
    objective, caller = objectives[(owner_type, visibility)], caller_for(position, role)
    assert readable(app, caller, objective) is reads
    assert access.may_change(app.store, caller, objective) is changes


@pytest.mark.parametrize("position", ["same unit", "unit above"])
def test_a_unit_owned_private_objective_is_read_by_the_unit_and_the_units_above(world, position):
    app, objectives = world
    objective = objectives[("org_unit", "private")]
    assert readable(app, caller_for(position), objective)
    assert not readable(app, caller_for("unit below"), objective)


@pytest.fixture
def service(issuer):
    container = bootstrap(GoalsSettings(event_store={"PERSISTENCE_MODULE": "eventsourcing.popo"}))
    objectives = seed_goals(container.features)
    with TestClient(create_http_app(container, run_relay=False)) as client:
        yield (
            client,
            container.features,
            objectives,
            lambda who, *roles: {
                "Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"
            },
        )


@pytest.mark.parametrize(
    "who, roles, status",
    [
        ("peer", (), 200),
        ("cto", (), 200),
        ("tester", (), 404),
        ("rep", ("auditor",), 200),
        ("rep", ("leader",), 404),
        ("rep", ("integration",), 404),
    ],
)
def test_over_http_a_unit_owned_private_objective_is_read_as_the_matrix_says(
    service, who, roles, status
):
    client, _, objectives, token = service
    objective_id = objectives[("org_unit", "private")].id
    assert (
        client.get(f"/v1/objectives/{objective_id}", headers=token(who, *roles)).status_code
        == status
    )


def initiative_of_rep(app, objective):
    """An initiative owned by `rep` (of sales) under a web objective rep may not change."""
    change = Change(str(objective.id), objective.version)
    kr = objective.key_results[0].key_result_id
    return app.objectives.add_initiative(
        AddInitiative(change, kr, "Checkout", "rep", deliverable="A/B test"),
        caller_for("owner", "admin"),
    )


def test_the_initiative_owner_moves_its_status_over_http(service):
    client, app, objectives, token = service
    objective, item = initiative_of_rep(app, objectives[("org_unit", "public")])
    r = client.patch(
        f"/v1/objectives/{objective.id}/initiatives/{item.initiative_id}",
        json={"expected_version": objective.version, "status": "done"},
        headers=token("rep"),
    )
    assert r.status_code == 200, r.text
    assert (
        next(i for i in r.json()["initiatives"] if i["initiative_id"] == item.initiative_id)[
            "status"
        ]
        == "done"
    )


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "Another"),
        ("due_on", "2026-03-01"),
        ("deliverable", "Nothing"),
        ("owner_id", "peer"),
    ],
)
def test_any_other_field_of_the_initiative_is_403_naming_it(service, field, value):
    client, app, objectives, token = service
    objective, item = initiative_of_rep(app, objectives[("org_unit", "public")])
    r = client.patch(
        f"/v1/objectives/{objective.id}/initiatives/{item.initiative_id}",
        json={"expected_version": objective.version, "status": "done", field: value},
        headers=token("rep"),
    )
    assert r.status_code == 403
    assert [e["pointer"] for e in r.json()["errors"]] == [f"#/{field}"]
    assert (
        app.objectives.get_objective(caller_for("owner", "admin"), objective.id).version
        == objective.version
    )


def test_whoever_may_change_the_objective_revises_every_field_of_an_initiative(world):
    app, objectives = world
    objective, item = initiative_of_rep(app, objectives[("org_unit", "org_unit")])
    revised = app.objectives.revise_initiative(
        ReviseInitiative(
            Change(str(objective.id), objective.version), item.initiative_id, {"title": "Renamed"}
        ),
        caller_for("unit above"),
    )
    assert revised.initiative(item.initiative_id).title == "Renamed"
    with pytest.raises(Forbidden):
        app.objectives.revise_initiative(
            ReviseInitiative(
                Change(str(revised.id), revised.version), item.initiative_id, {"status": "done"}
            ),
            caller_for("unit below"),
        )
