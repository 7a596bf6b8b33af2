"""Recognition over HTTP: settings, kudos, a person's recognition, nominations and decisions;
bad input is a problem-details answer naming the field and stores nothing; a refusal resting on
knowledge that may lag answers 503 not-known-yet."""

import pytest
from fastapi.testclient import TestClient

from okr_incentives.bootstrap import bootstrap
from okr_incentives.http import create_http_app
from okr_incentives.settings import IncentivesSettings
from okr_shared.clock import FixedClock
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.freshness import FakeFreshness
from tests.support.incentives import CYCLE, NOW, RecognitionOrg, oid

NOT_KNOWN_YET = "https://okr-platform.dev/problems/not-known-yet"


def service_with(freshness=None):
    container = bootstrap(
        IncentivesSettings(event_store={"INCENTIVES_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=FixedClock(NOW),
        knowledge=MemoryKnowledge(),
    )
    if freshness is not None:
        container.handlers.knowledge.freshness = freshness
    org = RecognitionOrg(handlers=container.handlers)
    org.learn_goals()
    return TestClient(create_http_app(container, background=False)), org


@pytest.fixture
def service():
    client, org = service_with()
    with client:
        yield client, org


@pytest.fixture
def as_person(issuer):
    def headers(who, *roles, tenant="acme"):
        return {"Authorization": f"Bearer {issuer.issue(tenant, who, roles=roles)}"}

    return headers


def pointers(r):
    return [e["pointer"] for e in r.json()["errors"]]


def test_kudos_nomination_approval_and_recognition_over_http(service, as_person):
    client, org = service
    body = {"objective_id": oid("site"), "message": "Fast pages!", "points": 2}
    r = client.post("/v1/kudos", json=body, headers=as_person("lead"))
    assert r.status_code == 201, r.text
    assert r.json()["recipient_id"] == "dev" and r.json()["cycle_id"] == CYCLE
    secret = {"objective_id": oid("dev-secret"), "message": "Quiet win"}
    assert client.post("/v1/kudos", json=secret, headers=as_person("ceo")).status_code == 201
    nomination = {
        "cycle_id": CYCLE,
        "nominee_type": "person",
        "nominee_id": "dev",
        "honour": "Engineer of the quarter",
        "citation": "Made checkout fast",
    }
    r = client.post("/v1/nominations", json=nomination, headers=as_person("lead"))
    assert r.status_code == 201 and r.json()["state"] == "nominated", r.text
    nid = r.json()["nomination_id"]
    r = client.get(f"/v1/cycles/{CYCLE}/nominations", headers=as_person("rep"))
    assert r.status_code == 200 and r.json()["nominations"] == []
    r = client.post(
        f"/v1/nominations/{nid}/approve", json={"reason": "yes"}, headers=as_person("ceo", "leader")
    )
    assert r.status_code == 200 and r.json()["state"] == "approved", r.text
    r = client.get(f"/v1/cycles/{CYCLE}/nominations", headers=as_person("rep"))
    assert [n["nomination_id"] for n in r.json()["nominations"]] == [nid]
    r = client.get("/v1/people/dev/recognition", headers=as_person("rep"))
    assert r.status_code == 200, r.text
    seen = r.json()
    assert [k["message"] for k in seen["kudos_received"]] == ["Fast pages!"]
    assert [h["honour"] for h in seen["honours"]] == ["Engineer of the quarter"]
    mine = client.get("/v1/people/dev/recognition", headers=as_person("dev")).json()
    assert len(mine["kudos_received"]) == 2
    r = client.post(
        f"/v1/nominations/{nid}/decline", json={"reason": "no"}, headers=as_person("ceo", "admin")
    )
    assert r.status_code == 409


def test_settings_over_http(service, as_person):
    client, org = service
    r = client.get("/v1/recognition/settings", headers=as_person("dev"))
    assert r.json() == {"version": 0, "kudos_budget": 10, "honours": [], "streak_periods": 8}
    r = client.put(
        "/v1/recognition/settings",
        json={"kudos_budget": 3, "honours": ["Rookie"], "reason": "pilot"},
        headers=as_person("ceo", "admin"),
    )
    assert r.status_code == 200 and r.json()["version"] == 1, r.text
    r = client.put("/v1/recognition/settings", json={}, headers=as_person("dev"))
    assert r.status_code == 403


def kudos(name="site", **fields):
    return {"objective_id": oid(name), "message": "Thanks", **fields}


@pytest.mark.parametrize(
    "body, who, status, pointer",
    [
        (kudos(points=11), "lead", 422, "#/points"),
        (kudos(points=0), "lead", 422, "#/points"),
        (kudos(), "dev", 422, "#/recipient_id"),
        (kudos(recipient_id="rep"), "lead", 422, "#/recipient_id"),
        (kudos("dev-secret"), "rep", 422, "#/objective_id"),
        (kudos(objective_id="not-a-uuid"), "lead", 422, "#/objective_id"),
        (kudos(message="x" * 501), "lead", 422, "#/message"),
        (kudos(message=""), "lead", 422, "#/message"),
        (kudos(colour="red"), "lead", 422, "#/colour"),
    ],
)
def test_bad_kudos_answer_problems_naming_the_field(service, as_person, body, who, status, pointer):
    client, org = service
    before = org.stored()
    r = client.post("/v1/kudos", json=body, headers=as_person(who))
    assert r.status_code == status and pointer in pointers(r), r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert org.stored() == before


def test_kudos_beyond_the_budget_and_across_tenants_store_nothing(service, as_person):
    client, org = service
    assert (
        client.post("/v1/kudos", json=kudos(points=9), headers=as_person("lead")).status_code == 201
    )
    before = org.stored()
    r = client.post("/v1/kudos", json=kudos(points=2), headers=as_person("lead"))
    assert r.status_code == 422 and pointers(r) == ["#/points"]
    r = client.post("/v1/kudos", json=kudos(), headers=as_person("lead", tenant="globex"))
    assert r.status_code == 422 and pointers(r) == ["#/objective_id"]
    r = client.get("/v1/people/dev/recognition", headers=as_person("lead", tenant="globex"))
    assert r.status_code == 404
    assert org.stored() == before


@pytest.mark.parametrize(
    "body, who, status, pointer",
    [
        ({"nominee_id": "dev"}, "dev", 422, "#/nominee_id"),
        ({"nominee_id": "dev"}, "rep", 403, "#/nominee_id"),
        ({"nominee_type": "robot"}, "lead", 422, "#/nominee_type"),
        ({"cycle_id": "2031-Q1"}, "lead", 422, "#/cycle_id"),
        ({"citation": ""}, "lead", 422, "#/citation"),
    ],
)
def test_bad_nominations_answer_problems(service, as_person, body, who, status, pointer):
    client, org = service
    nomination = {
        "cycle_id": CYCLE,
        "nominee_type": "person",
        "nominee_id": "dev",
        "honour": "Star",
        "citation": "Great",
        **body,
    }
    before = org.stored()
    r = client.post("/v1/nominations", json=nomination, headers=as_person(who))
    assert r.status_code == status and pointer in pointers(r), r.text
    assert org.stored() == before


def test_decisions_by_someone_else_answer_problems(service, as_person):
    client, org = service
    nomination = {
        "cycle_id": CYCLE,
        "nominee_type": "person",
        "nominee_id": "dev",
        "honour": "Star",
        "citation": "Great",
    }
    nid = client.post("/v1/nominations", json=nomination, headers=as_person("lead")).json()[
        "nomination_id"
    ]
    before = org.stored()
    r = client.post(
        f"/v1/nominations/{nid}/approve", json={"reason": "ok"}, headers=as_person("lead")
    )
    assert r.status_code == 403
    r = client.post(
        f"/v1/nominations/{nid}/approve", json={"reason": "ok"}, headers=as_person("rep")
    )
    assert r.status_code == 404
    r = client.post(
        "/v1/nominations/nope/approve", json={"reason": "ok"}, headers=as_person("ceo", "admin")
    )
    assert r.status_code == 404
    r = client.post(f"/v1/nominations/{nid}/approve", json={}, headers=as_person("ceo", "admin"))
    assert r.status_code == 422 and pointers(r) == ["#/reason"]
    assert client.get("/v1/cycles/2031-Q1/nominations", headers=as_person("dev")).status_code == 404
    assert org.stored() == before


def test_refusals_resting_on_lagging_knowledge_answer_not_known_yet(as_person):
    freshness = FakeFreshness(current=False)
    client, org = service_with(freshness)
    with client:
        headers = as_person("dev")
        before = org.stored()
        r = client.post("/v1/kudos", json=kudos(), headers=headers)
        assert r.status_code == 503 and r.json()["type"] == NOT_KNOWN_YET, r.text
        assert r.headers["Retry-After"]
        freshness.current = True
        r = client.post("/v1/kudos", json=kudos(), headers=headers)
        assert r.status_code == 422 and pointers(r) == ["#/recipient_id"]
        assert org.stored() == before


def test_every_recognition_route_documents_its_statuses(service):
    client, _ = service
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        ("/v1/kudos", "post"): {"201", "403", "409", "422", "503"},
        ("/v1/people/{person_id}/recognition", "get"): {"200", "404", "503"},
        ("/v1/nominations", "post"): {"201", "403", "409", "503"},
        ("/v1/nominations/{nomination_id}/approve", "post"): {"200", "403", "404", "409", "503"},
        ("/v1/nominations/{nomination_id}/decline", "post"): {"200", "403", "404", "409", "503"},
        ("/v1/cycles/{cycle_id}/nominations", "get"): {"200", "404", "503"},
    }
    for (path, method), statuses in expected.items():
        assert statuses <= set(paths[path][method]["responses"]), (path, method)
