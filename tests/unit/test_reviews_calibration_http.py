"""Calibration over HTTP: a unit's distribution, sessions opened, adjusted in and closed, and a
leader finalising their unit; bad input is a problem-details answer naming the field, and
nothing is stored."""

import pytest
from fastapi.testclient import TestClient

from okr_reviews.bootstrap import bootstrap
from okr_reviews.http import create_http_app
from okr_reviews.settings import ReviewsSettings
from okr_shared.clock import FixedClock
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.org import CYCLE
from tests.support.reviews import NOW, World

SESSIONS = f"/v1/cycles/{CYCLE}/calibration-sessions"


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
    return [e["pointer"] for e in r.json()["errors"]]


def opened(client, headers, unit="rnd"):
    r = client.post(SESSIONS, json={"org_unit_id": unit, "reason": "q1"}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def adjustment(world, objective, score=0.8, reason="sets the bar", version=1, index=0):
    return {
        "review_id": world.review_id(objective),
        "key_result_id": world.kr(objective, index),
        "score": score,
        "reason": reason,
        "expected_version": version,
    }


def test_a_calibration_session_over_http(service, as_person):
    client, world = service
    cto = as_person("cto", "leader")
    session = opened(client, cto)
    assert session["status"] == "open" and session["opened"]["by"] == "cto"
    path = f"/v1/calibration-sessions/{session['session_id']}"
    r = client.post(f"{path}/adjustments", json=adjustment(world, world.personal), headers=cto)
    assert r.status_code == 200, r.text
    body = r.json()
    score = body["review"]["key_results"][0]["scores"][0]
    assert score["kind"] == "calibration"
    assert score["calibration_session_id"] == session["session_id"]
    assert body["session"]["adjustments"][0]["previous_score"] == 0.0
    assert body["session"]["adjustments"][0]["review_version"] == body["review"]["version"]
    r = client.get(f"/v1/cycles/{CYCLE}/calibration?org_unit_id=rnd", headers=cto)
    assert r.status_code == 200, r.text
    found = r.json()
    assert found["overall"]["count"] == 2 and found["overall"]["mean"] == 0.3
    assert found["by_org_unit"]["web"]["bands"]["yellow"] == 0.5
    assert found["by_commitment"]["aspirational"]["count"] == 2
    personal = next(o for o in found["objectives"] if o["objective_id"] == str(world.personal.id))
    assert personal["score"] == 0.6 and personal["band"]["color"] == "yellow"
    assert personal["manager_id"] == "lead" and personal["review_version"] == 2
    r = client.post(f"{path}/close", json={"reason": "agreed"}, headers=cto)
    assert r.status_code == 200 and r.json()["closed"]["reason"] == "agreed", r.text
    assert client.get(path, headers=cto).json()["status"] == "closed"


def test_auditors_read_outsiders_are_kept_out(service, as_person):
    client, world = service
    session = opened(client, as_person("cto", "leader"))
    path = f"/v1/calibration-sessions/{session['session_id']}"
    auditor = as_person("ceo", "auditor")
    assert client.get(path, headers=auditor).status_code == 200
    distribution = f"/v1/cycles/{CYCLE}/calibration?org_unit_id=rnd"
    assert client.get(distribution, headers=auditor).status_code == 200
    stored = world.stored()
    r = client.post(f"{path}/adjustments", json=adjustment(world, world.personal), headers=auditor)
    assert r.status_code == 403 and "path:session_id" in pointers(r), r.text
    outsider = as_person("vps", "leader")
    assert client.get(path, headers=outsider).status_code == 404
    r = client.get(distribution, headers=outsider)
    assert r.status_code == 403 and "query:org_unit_id" in pointers(r), r.text
    assert (
        client.get(f"/v1/cycles/{CYCLE}/calibration?org_unit_id=x", headers=auditor).status_code
        == 404
    )
    assert client.get(f"/v1/cycles/{CYCLE}/calibration", headers=auditor).status_code == 422
    assert world.stored() == stored


@pytest.mark.parametrize(
    "body, who, status, pointer",
    [
        ({"org_unit_id": "rnd"}, "cto", 422, "#/reason"),
        ({"org_unit_id": "rnd", "reason": ""}, "cto", 422, "#/reason"),
        ({"org_unit_id": "rnd", "reason": "  "}, "cto", 422, "#/reason"),
        ({"org_unit_id": "nowhere", "reason": "q1"}, "cto", 422, "#/org_unit_id"),
        ({"org_unit_id": "sales", "reason": "q1"}, "cto", 403, "#/org_unit_id"),
        ({"org_unit_id": "rnd", "reason": "q1"}, "dev", 403, "#/org_unit_id"),
        ({"org_unit_id": "rnd", "reason": "q1", "extra": 1}, "cto", 422, "#/extra"),
    ],
)
def test_a_bad_session_names_the_field_and_stores_nothing(
    service, as_person, body, who, status, pointer
):
    client, world = service
    stored = world.stored()
    r = client.post(SESSIONS, json=body, headers=as_person(who, "leader"))
    assert r.status_code == status and pointer in pointers(r), r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert world.stored() == stored


@pytest.mark.parametrize(
    "change, status, pointer",
    [
        ({"reason": " "}, 422, "#/reason"),
        ({"score": 0.35}, 422, "#/score"),
        ({"score": 1.5}, 422, "#/score"),
        ({"expected_version": 7}, 409, "#/expected_version"),
        ({"key_result_id": "00000000-0000-4000-8000-000000000001"}, 404, None),
    ],
)
def test_a_bad_adjustment_names_the_field_and_stores_nothing(
    service, as_person, change, status, pointer
):
    client, world = service
    cto = as_person("cto", "leader")
    session = opened(client, cto)
    stored = world.stored()
    body = {**adjustment(world, world.personal), **change}
    path = f"/v1/calibration-sessions/{session['session_id']}/adjustments"
    r = client.post(path, json=body, headers=cto)
    assert r.status_code == status, r.text
    assert pointer is None or pointer in pointers(r)
    assert world.stored() == stored


def test_outside_the_subtree_closed_or_finalised_an_adjustment_is_refused(service, as_person):
    client, world = service
    lead = as_person("lead", "leader")
    session = opened(client, lead, "web")
    path = f"/v1/calibration-sessions/{session['session_id']}"
    stored = world.stored()
    r = client.post(f"{path}/adjustments", json=adjustment(world, world.committed), headers=lead)
    assert r.status_code == 422 and "#/review_id" in pointers(r), r.text
    assert world.stored() == stored
    r = client.post(
        f"/v1/cycles/{CYCLE}/review/finalise",
        json={"reason": "web agreed", "org_unit_id": "web"},
        headers=as_person("cto", "leader"),
    )
    assert r.status_code == 200 and len(r.json()["items"]) == 2, r.text
    stored = world.stored()
    r = client.post(
        f"{path}/adjustments", json=adjustment(world, world.personal, version=2), headers=lead
    )
    assert r.status_code == 409 and "#/review_id" in pointers(r), r.text
    assert world.stored() == stored
    client.post(f"{path}/close", json={"reason": "done"}, headers=lead)
    stored = world.stored()
    r = client.post(f"{path}/adjustments", json=adjustment(world, world.personal), headers=lead)
    assert r.status_code == 409 and "path:session_id" in pointers(r), r.text
    assert world.stored() == stored


def test_a_leader_finalises_only_their_unit_and_a_whole_cycle_stays_an_admins(service, as_person):
    client, world = service
    finalise = f"/v1/cycles/{CYCLE}/review/finalise"
    stored = world.stored()
    r = client.post(finalise, json={"reason": "x"}, headers=as_person("cto", "leader"))
    assert r.status_code == 403
    r = client.post(
        finalise, json={"reason": "x", "org_unit_id": "rnd"}, headers=as_person("vps", "leader")
    )
    assert r.status_code == 403 and "#/org_unit_id" in pointers(r)
    assert world.stored() == stored
    r = client.post(
        finalise, json={"reason": "x", "org_unit_id": "sales"}, headers=as_person("vps", "leader")
    )
    assert r.status_code == 200 and [i["objective_id"] for i in r.json()["items"]] == [
        str(world.committed.id)
    ]


def test_the_routes_document_their_answers(service):
    client, _ = service
    paths = client.get("/openapi.json").json()["paths"]
    opening = paths["/v1/cycles/{cycle_id}/calibration-sessions"]["post"]["responses"]
    assert {"201", "403", "404", "409", "422", "503"} <= opening.keys()
    adjusting = paths["/v1/calibration-sessions/{session_id}/adjustments"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422", "503"} <= adjusting.keys()
    reading = paths["/v1/cycles/{cycle_id}/calibration"]["get"]["responses"]
    assert {"200", "403", "404", "503"} <= reading.keys()
    assert "/v1/calibration-sessions/{session_id}/close" in paths
