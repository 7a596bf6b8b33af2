"""The incentive service over HTTP: policies, binding, dry runs, ledgers and evidence; bad input
is a problem-details answer naming the field, and nothing is stored."""

import copy

import pytest
from fastapi.testclient import TestClient

from okr_incentives.bootstrap import bootstrap
from okr_incentives.http import create_http_app
from okr_incentives.settings import IncentivesSettings
from okr_shared.clock import FixedClock
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.freshness import FakeFreshness
from tests.support.incentives import CYCLE, NOW, POLICY, SmallOrg

NOT_KNOWN_YET = "https://okr-platform.dev/problems/not-known-yet"


def service_with(freshness=None):
    container = bootstrap(
        IncentivesSettings(event_store={"INCENTIVES_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=FixedClock(NOW),
        knowledge=MemoryKnowledge(),
    )
    if freshness is not None:
        container.handlers.knowledge.freshness = freshness
    org = SmallOrg(handlers=container.handlers)
    org.learn_directory()
    return TestClient(create_http_app(container, background=False)), org


@pytest.fixture
def service():
    client, org = service_with()
    with client:
        yield client, org


@pytest.fixture
def as_person(issuer):
    return lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}


def pointers(r):
    return [e["pointer"] for e in r.json()["errors"]]


def test_policy_binding_ledger_and_evidence_over_http(service, as_person):
    client, org = service
    admin = as_person("ceo", "admin")
    r = client.put("/v1/policies/bonus", json={**POLICY, "reason": "house rules"}, headers=admin)
    assert r.status_code == 200 and r.json()["version"] == 1, r.text
    assert client.get("/v1/policies/bonus", headers=as_person("dev")).json()["budgets"] == {
        "web": 210
    }
    bind = {"policy_id": "bonus", "policy_version": 1, "reason": "Q1 bonus"}
    r = client.post(f"/v1/cycles/{CYCLE}/policy", json=bind, headers=admin)
    assert r.status_code == 409 and pointers(r) == ["path:cycle_id"], r.text
    org.finalise()
    r = client.post(f"/v1/policies/bonus/simulate?cycle_id={CYCLE}", headers=admin)
    assert r.status_code == 200 and r.json()["points"] == 390, r.text
    r = client.post(f"/v1/cycles/{CYCLE}/policy", json=bind, headers=admin)
    assert r.status_code == 200 and r.json()["awards"] == 4 and r.json()["points"] == 390, r.text
    assert client.get(f"/v1/cycles/{CYCLE}/policy", headers=admin).json()["policy_version"] == 1
    org.correct("dev-latency", 0.8)
    r = client.get("/v1/people/dev/awards", headers=as_person("lead"))
    assert r.status_code == 200, r.text
    ledger = r.json()
    assert ledger["balance"] == {"points": 135}
    assert [(e["kind"], e["points"]) for e in ledger["entries"]] == [
        ("granted", 75),
        ("adjusted", 60),
    ]
    award_id = ledger["entries"][0]["award_id"]
    r = client.get(f"/v1/awards/{award_id}/evidence", headers=as_person("dev"))
    assert r.status_code == 200, r.text
    chain = r.json()
    assert chain["points"] == 135 and chain["multiplier"] == 1.5
    assert [e["matches"] for e in chain["entries"]] == [True, True]
    assert chain["entries"][1]["evidence"][-1]["type"] == "okr.reviews.KeyResultScored"
    assert client.get("/v1/people/dev/awards", headers=as_person("rep")).status_code == 403
    r = client.get(f"/v1/awards/{award_id}/evidence", headers=as_person("rep"))
    assert r.status_code == 404


def broken(path, value):
    policy = copy.deepcopy(POLICY)
    node = policy
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return policy


@pytest.mark.parametrize(
    "body, pointer",
    [
        (broken(("bands", 1, "from"), 0.3), "#/bands/1/from"),
        (broken(("bands", 2, "to"), 0.9), "#/bands/2/to"),
        (broken(("level_factors", "team"), -1), "#/level_factors/team"),
        (broken(("commitment_factors", "aspirational"), -1), "#/commitment_factors/aspirational"),
        (broken(("caps", "per_person"), -1), "#/caps/per_person"),
        (broken(("budgets", "web"), -5), "#/budgets/web"),
        (broken(("bands", 0, "points"), 1.5), "#/bands/0/points"),
    ],
)
def test_a_broken_policy_answers_422_naming_the_field(service, as_person, body, pointer):
    client, org = service
    r = client.put("/v1/policies/bonus", json=body, headers=as_person("ceo", "admin"))
    assert r.status_code == 422 and pointer in pointers(r), r.text
    assert r.headers["content-type"] == "application/problem+json"
    assert org.stored() == 0


def test_refusals_answer_problems_and_store_nothing(service, as_person):
    client, org = service
    admin = as_person("ceo", "admin")
    assert (
        client.put("/v1/policies/bonus", json=POLICY, headers=as_person("dev")).status_code == 403
    )
    assert client.get("/v1/policies/bonus", headers=admin).status_code == 404
    client.put("/v1/policies/bonus", json=POLICY, headers=admin)
    org.finalise()
    before = org.stored()
    bind = {"policy_id": "bonus", "policy_version": 1, "reason": "go"}
    assert (
        client.post(f"/v1/cycles/{CYCLE}/policy", json=bind, headers=as_person("dev")).status_code
        == 403
    )
    r = client.post(f"/v1/cycles/{CYCLE}/policy", json={**bind, "policy_version": 7}, headers=admin)
    assert r.status_code == 422 and pointers(r) == ["#/policy_version"]
    r = client.post("/v1/cycles/2031-Q1/policy", json=bind, headers=admin)
    assert r.status_code == 404
    r = client.post(f"/v1/policies/bonus/simulate?cycle_id={CYCLE}", headers=as_person("dev"))
    assert r.status_code == 403
    r = client.post("/v1/policies/bonus/simulate", headers=admin)
    assert r.status_code == 422 and pointers(r) == ["query:cycle_id"]
    assert org.stored() == before


def test_a_refusal_resting_on_lagging_knowledge_answers_503_and_stores_nothing(as_person):
    freshness = FakeFreshness(current=False)
    client, org = service_with(freshness)
    with client:
        admin = as_person("ceo", "admin")
        client.put("/v1/policies/bonus", json=POLICY, headers=admin)
        before = org.stored()
        bind = {"policy_id": "bonus", "policy_version": 1, "reason": "go"}
        r = client.post(f"/v1/cycles/{CYCLE}/policy", json=bind, headers=admin)
        assert r.status_code == 503 and r.json()["type"] == NOT_KNOWN_YET, r.text
        assert r.headers["Retry-After"] == "1"
        r = client.get("/v1/people/dev/awards", headers=as_person("rep"))
        assert r.status_code == 503 and r.json()["type"] == NOT_KNOWN_YET
        assert org.stored() == before and freshness.asked == 2
        freshness.current = True
        r = client.post(f"/v1/cycles/{CYCLE}/policy", json=bind, headers=admin)
        assert r.status_code == 409
