"""The review service over HTTP: scoring rules, reviews, scores and finalisation; bad input is a
problem-details answer naming the field, and nothing is stored."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from okr_reviews.bootstrap import bootstrap
from okr_reviews.http import create_http_app
from okr_reviews.rules.domain import DEFAULT_RULES
from okr_reviews.settings import ReviewsSettings
from okr_shared.clock import FixedClock
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.freshness import FakeFreshness
from tests.support.org import CYCLE
from tests.support.reviews import NOW, World

NOT_KNOWN_YET = "https://okr-platform.dev/problems/not-known-yet"


@pytest.fixture
def service():
    container = bootstrap(
        ReviewsSettings(event_store={"REVIEWS_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=FixedClock(NOW),
        knowledge=MemoryKnowledge(),
    )
    world = World(handlers=container.handlers)
    with TestClient(create_http_app(container, background=False)) as client:
        yield client, world


@pytest.fixture
def as_person(issuer):
    return lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}


def score_path(world, objective, index, kind="self-score"):
    kr = world.kr(objective, index)
    return f"/v1/reviews/{world.review_id(objective)}/key-results/{kr}/{kind}"


def pointers(r):
    return [e["pointer"] for e in r.json()["errors"]]


def test_the_default_rules_are_in_force_until_an_admin_sets_new_ones(service, as_person):
    client, world = service
    r = client.get("/v1/scoring-rules", headers=as_person("dev"))
    assert r.status_code == 200 and r.json()["version"] == 0
    assert r.json()["bands"]["aspirational"][2]["label"] == {"en": "On target", "zh": "达成"}
    body = {**DEFAULT_RULES, "remark_threshold": 0.3, "reason": "calibration"}
    assert client.put("/v1/scoring-rules", json=body, headers=as_person("dev")).status_code == 403
    r = client.put("/v1/scoring-rules", json=body, headers=as_person("ceo", "admin"))
    assert r.status_code == 200 and r.json()["version"] == 1, r.text
    assert client.get("/v1/scoring-rules", headers=as_person("dev")).json()["version"] == 1
    old = client.get("/v1/scoring-rules/0", headers=as_person("dev")).json()
    assert old["remark_threshold"] == 0.2
    assert client.get("/v1/scoring-rules/9", headers=as_person("dev")).status_code == 404


def overlapping():
    rules = {
        **DEFAULT_RULES,
        "bands": {k: [dict(b) for b in v] for k, v in DEFAULT_RULES["bands"].items()},
    }
    rules["bands"]["aspirational"][1]["from"] = 0.3
    return rules


def missing_band():
    rules = {**DEFAULT_RULES, "bands": dict(DEFAULT_RULES["bands"])}
    rules["bands"]["committed"] = [dict(DEFAULT_RULES["bands"]["committed"][0])]
    return rules


@pytest.mark.parametrize(
    "body, pointer",
    [
        (overlapping(), "#/bands/aspirational/1/from"),
        (missing_band(), "#/bands/committed/0/to"),
        ({**DEFAULT_RULES, "step": 0.3}, "#/step"),
        ({**DEFAULT_RULES, "remark_threshold": 1.5}, "#/remark_threshold"),
        ({k: v for k, v in DEFAULT_RULES.items() if k != "bands"}, "#/bands"),
    ],
)
def test_a_broken_rule_set_is_refused_naming_the_field(service, as_person, body, pointer):
    client, world = service
    r = client.put("/v1/scoring-rules", json=body, headers=as_person("ceo", "admin"))
    assert r.status_code == 422 and pointer in pointers(r), r.text
    assert world.stored() == 0


def test_the_whole_review_over_http(service, as_person):
    client, world = service
    world.check_in(
        world.kr(world.personal, 0), 40.0, "2026-03-10T00:00:00Z", datetime(2026, 3, 10, tzinfo=UTC)
    )
    world.grade()
    r = client.get(f"/v1/reviews?cycle_id={CYCLE}", headers=as_person("dev"))
    assert r.status_code == 200 and len(r.json()["items"]) == 3
    review = client.get(f"/v1/reviews/{world.review_id(world.personal)}", headers=as_person("dev"))
    assert review.json()["key_results"][0]["suggested_score"] == 0.4
    r = client.post(
        score_path(world, world.personal, 0),
        json={"score": 0.5, "expected_version": 1},
        headers=as_person("dev"),
    )
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    r = client.post(
        score_path(world, world.personal, 0, "manager-score"),
        json={"score": 0.7, "remark": "shipped the redesign", "expected_version": 2},
        headers=as_person("lead"),
    )
    assert r.status_code == 200, r.text
    kr = r.json()["key_results"][0]
    assert kr["score"] == 0.7 and kr["band"]["color"] == "green"
    assert [s["kind"] for s in kr["scores"]] == ["self", "manager"]
    r = client.post(
        f"/v1/cycles/{CYCLE}/review/finalise",
        json={"reason": "calibrated"},
        headers=as_person("ceo", "admin"),
    )
    assert r.status_code == 200 and all(i["finalised"] for i in r.json()["items"]), r.text


@pytest.mark.parametrize(
    "body, who, status, pointer",
    [
        ({"score": 1.2, "expected_version": 1}, "dev", 422, "#/score"),
        ({"score": 0.35, "expected_version": 1}, "dev", 422, "#/score"),
        ({"score": 0.5, "expected_version": 1}, "dev", 422, "#/remark"),
        ({"score": "0.1", "expected_version": 1}, "dev", 422, "#/score"),
        ({"score": 0.1, "expected_version": 9}, "dev", 409, "#/expected_version"),
        ({"score": 0.1, "expected_version": 1}, "rep", 403, None),
        ({"score": 0.1, "expected_version": 1, "extra": 1}, "dev", 422, "#/extra"),
    ],
)
def test_bad_self_scores_name_the_field_and_store_nothing(
    service, as_person, body, who, status, pointer
):
    client, world = service
    world.grade()
    stored = world.stored()
    r = client.post(score_path(world, world.personal, 0), json=body, headers=as_person(who))
    assert r.status_code == status, r.text
    assert pointer is None or pointer in pointers(r)
    assert world.stored() == stored


def test_a_manager_outside_the_chain_is_forbidden_and_a_remark_is_required(service, as_person):
    client, world = service
    world.grade()
    path = score_path(world, world.personal, 0, "manager-score")
    r = client.post(
        path, json={"score": 0.1, "remark": "x", "expected_version": 1}, headers=as_person("vps")
    )
    assert r.status_code == 403, r.text
    r = client.post(path, json={"score": 0.1, "expected_version": 1}, headers=as_person("lead"))
    assert r.status_code == 422 and "#/remark" in pointers(r)


def test_scoring_outside_grading_is_a_conflict(service, as_person):
    client, world = service
    world.grade()
    from okr_goals.cycles.commands import AdvanceCycle
    from tests.support.org import ADMIN

    world.goals.cycles.advance_cycle(AdvanceCycle(CYCLE, "closed", "done"), ADMIN)
    world.learn()
    r = client.post(
        score_path(world, world.personal, 0),
        json={"score": 0.0, "expected_version": 1},
        headers=as_person("dev"),
    )
    assert r.status_code == 409 and "closed" in r.json()["detail"], r.text


def test_after_finalisation_a_change_needs_an_admins_correction_with_a_reason(service, as_person):
    client, world = service
    world.grade()
    r = client.post(
        f"/v1/cycles/{CYCLE}/review/finalise", json={"reason": "done"}, headers=as_person("dev")
    )
    assert r.status_code == 403
    client.post(
        f"/v1/cycles/{CYCLE}/review/finalise",
        json={"reason": "done"},
        headers=as_person("ceo", "admin"),
    )
    path = score_path(world, world.personal, 0)
    r = client.post(path, json={"score": 0.1, "expected_version": 2}, headers=as_person("dev"))
    assert r.status_code == 409 and "#/correction" in pointers(r)
    r = client.post(
        path,
        json={"score": 0.1, "expected_version": 2, "correction": True},
        headers=as_person("dev"),
    )
    assert r.status_code == 403 and "#/correction" in pointers(r)
    r = client.post(
        path,
        json={"score": 0.1, "expected_version": 2, "correction": True},
        headers=as_person("ceo", "admin"),
    )
    assert r.status_code == 422 and "#/reason" in pointers(r)
    r = client.post(
        path,
        json={"score": 0.1, "expected_version": 2, "correction": True, "reason": "audit finding"},
        headers=as_person("ceo", "admin"),
    )
    assert r.status_code == 200 and r.json()["key_results"][0]["scores"][-1]["kind"] == "correction"


def test_an_unknown_review_is_not_found(service, as_person):
    client, world = service
    world.grade()
    r = client.get("/v1/reviews/00000000-0000-4000-8000-000000000001", headers=as_person("dev"))
    assert r.status_code == 404
    r = client.post(
        "/v1/reviews/00000000-0000-4000-8000-000000000001/key-results/x/self-score",
        json={"score": 0.0, "expected_version": 1},
        headers=as_person("dev"),
    )
    assert r.status_code == 404


def test_refusals_on_knowledge_that_may_lag_answer_503(service, as_person):
    client, world = service
    world.service.knowledge.freshness = FakeFreshness(False)
    r = client.get(f"/v1/reviews/{world.review_id(world.personal)}", headers=as_person("dev"))
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert r.json()["type"] == NOT_KNOWN_YET
    world.grade()
    r = client.post(
        score_path(world, world.personal, 0),
        json={"score": 0.0, "expected_version": 1},
        headers=as_person("rep"),
    )
    assert r.status_code == 503, r.text
    world.service.knowledge.freshness = FakeFreshness(True)
    r = client.post(
        score_path(world, world.personal, 0),
        json={"score": 0.0, "expected_version": 1},
        headers=as_person("rep"),
    )
    assert r.status_code == 403, r.text


def test_health_ready(service):
    client, _ = service
    assert client.get("/health/ready").status_code == 200
