"""Retrospectives over HTTP: written (201), read, revised and listed under their sharing; bad
input is a problem-details answer naming the field, and nothing is stored."""

import pytest
from fastapi.testclient import TestClient

from okr_reviews.bootstrap import bootstrap
from okr_reviews.http import create_http_app
from okr_reviews.retrospectives.domain import MAX_ITEMS, MAX_TEXT
from okr_reviews.settings import ReviewsSettings
from okr_shared.clock import FixedClock
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.org import CYCLE, NEXT_CYCLE
from tests.support.reviews import NOW, World

CONTENT = {"worked": ["demos"], "lessons": ["scope early"]}


@pytest.fixture
def service():
    container = bootstrap(
        ReviewsSettings(event_store={"REVIEWS_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=FixedClock(NOW),
        knowledge=MemoryKnowledge(),
    )
    world = World(handlers=container.handlers)
    world.grade()
    with TestClient(create_http_app(container, background=False)) as client:
        yield client, world


@pytest.fixture
def as_person(issuer):
    return lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}


def pointers(r):
    return [e["pointer"] for e in r.json().get("errors", [])]


def body(world, **fields):
    return {
        "cycle_id": CYCLE,
        "objective_id": str(world.personal.id),
        "content": CONTENT,
        "sharing": "team",
        **fields,
    }


def test_a_retrospective_written_read_revised_and_listed(service, as_person):
    client, world = service
    later = world.objective_in(NEXT_CYCLE, "Next")
    content = {**CONTENT, "next_steps": [{"text": "carry on", "objective_id": str(later.id)}]}
    r = client.post(
        "/v1/retrospectives", json=body(world, content=content), headers=as_person("dev")
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["version"] == 1 and created["written_by"] == "dev"
    assert created["content"]["next_steps"][0] == {
        "text": "carry on",
        "objective_id": str(later.id),
        "rolled_over_from": None,
    }
    path = f"/v1/retrospectives/{created['retrospective_id']}"
    assert client.get(path, headers=as_person("lead")).status_code == 200
    assert client.get(path, headers=as_person("rep")).status_code == 404
    revision = {
        "content": {"did_not_work": ["estimates"]},
        "sharing": "shared",
        "expected_version": 1,
    }
    r = client.put(path, json=revision, headers=as_person("dev"))
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    assert r.json()["history"][0]["content"]["worked"] == ["demos"]
    assert client.get(path, headers=as_person("rep")).status_code == 200
    r = client.get(f"/v1/cycles/{CYCLE}/retrospectives", headers=as_person("rep"))
    assert r.status_code == 200 and [i["version"] for i in r.json()["items"]] == [2]


def test_a_teams_retrospective_over_http(service, as_person):
    client, world = service
    team = {**body(world, org_unit_id="web"), "objective_id": None}
    r = client.post("/v1/retrospectives", json=team, headers=as_person("lead", "manager"))
    assert r.status_code == 201 and r.json()["org_unit_id"] == "web", r.text
    r = client.get(f"/v1/cycles/{CYCLE}/retrospectives?org_unit_id=web", headers=as_person("dev"))
    assert [i["org_unit_id"] for i in r.json()["items"]] == ["web"]
    r = client.get(f"/v1/cycles/{CYCLE}/retrospectives?org_unit_id=web", headers=as_person("rep"))
    assert r.json()["items"] == []


@pytest.mark.parametrize(
    "change, who, status, pointer",
    [
        ({"objective_id": "00000000-0000-4000-8000-000000000001"}, "dev", 404, "#/objective_id"),
        ({"org_unit_id": "web"}, "dev", 422, "#/org_unit_id"),
        ({"objective_id": None}, "dev", 422, "#/objective_id"),
        ({"content": {}}, "dev", 422, "#/content"),
        ({"content": {"worked": ["x" * (MAX_TEXT + 1)]}}, "dev", 422, "#/content/worked/0"),
        (
            {"content": {"lessons": ["l"] * (MAX_ITEMS["lessons"] + 1)}},
            "dev",
            422,
            "#/content/lessons",
        ),
        ({"content": {"worked": ["  "]}}, "dev", 422, "#/content/worked/0"),
        ({"sharing": "everyone"}, "dev", 422, "#/sharing"),
        ({"mood": "good"}, "dev", 422, "#/mood"),
        ({}, "rep", 403, "#/objective_id"),
    ],
)
def test_bad_retrospectives_name_the_field_and_store_nothing(
    service, as_person, change, who, status, pointer
):
    client, world = service
    stored = world.stored()
    r = client.post("/v1/retrospectives", json=body(world, **change), headers=as_person(who))
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert pointer in pointers(r)
    assert world.stored() == stored


def test_a_foreign_objective_is_not_found_naming_the_field(service, as_person):
    client, world = service
    foreign = world.foreign_objective()
    stored = world.stored()
    r = client.post(
        "/v1/retrospectives",
        json=body(world, objective_id=str(foreign.id)),
        headers=as_person("ceo", "admin"),
    )
    assert r.status_code == 404 and pointers(r) == ["#/objective_id"], r.text
    assert world.stored() == stored


def test_a_next_step_to_the_same_cycle_is_refused(service, as_person):
    client, world = service
    content = {"next_steps": [{"text": "x", "objective_id": str(world.team.id)}]}
    stored = world.stored()
    r = client.post(
        "/v1/retrospectives", json=body(world, content=content), headers=as_person("dev")
    )
    assert r.status_code == 422 and pointers(r) == ["#/content/next_steps/0/objective_id"]
    assert world.stored() == stored


def test_a_stale_or_unauthorised_revision_is_refused(service, as_person):
    client, world = service
    r = client.post(
        "/v1/retrospectives", json=body(world, sharing="shared"), headers=as_person("dev")
    )
    path = f"/v1/retrospectives/{r.json()['retrospective_id']}"
    stored = world.stored()
    revision = {"content": CONTENT, "sharing": "team", "expected_version": 5}
    r = client.put(path, json=revision, headers=as_person("dev"))
    assert r.status_code == 409 and pointers(r) == ["#/expected_version"], r.text
    r = client.put(path, json={**revision, "expected_version": 1}, headers=as_person("rep"))
    assert r.status_code == 403, r.text
    assert (
        client.put("/v1/retrospectives/nope", json=revision, headers=as_person("dev")).status_code
        == 404
    )
    assert world.stored() == stored


def test_before_grading_writing_is_a_conflict(as_person):
    container = bootstrap(
        ReviewsSettings(event_store={"REVIEWS_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=FixedClock(NOW),
        knowledge=MemoryKnowledge(),
    )
    world = World(handlers=container.handlers)
    with TestClient(create_http_app(container, background=False)) as client:
        r = client.post("/v1/retrospectives", json=body(world), headers=as_person("dev"))
    assert r.status_code == 409 and pointers(r) == ["#/cycle_id"] and "active" in r.text
    assert world.stored() == 0


def test_every_route_documents_its_statuses(service):
    client, _ = service
    paths = client.get("/openapi.json").json()["paths"]
    post = paths["/v1/retrospectives"]["post"]["responses"]
    assert {"201", "403", "404", "409", "422", "503"} <= set(post)
    put = paths["/v1/retrospectives/{retrospective_id}"]["put"]["responses"]
    assert {"200", "403", "404", "409", "422", "503"} <= set(put)
    assert "404" in paths["/v1/retrospectives/{retrospective_id}"]["get"]["responses"]
    assert "404" in paths["/v1/cycles/{cycle_id}/retrospectives"]["get"]["responses"]
