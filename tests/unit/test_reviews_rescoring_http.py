"""Re-scoring over HTTP: a cycle under a second rule version or a draft, the scores as of an
instant, an admin's adoption; bad input is a problem-details answer naming the field, and nothing
is stored."""

from datetime import timedelta

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
from tests.support.reviews import FINER_RULES, NOW, World, graded_for_rescoring

RESCORE = f"/v1/cycles/{CYCLE}/rescore"
ADOPT = f"/v1/cycles/{CYCLE}/rescore/adopt"
SCORES = f"/v1/cycles/{CYCLE}/scores"


@pytest.fixture
def service():
    clock = FixedClock(NOW)
    container = bootstrap(
        ReviewsSettings(event_store={"REVIEWS_PERSISTENCE_MODULE": "eventsourcing.popo"}),
        clock=clock,
        knowledge=MemoryKnowledge(),
    )
    world = World(handlers=container.handlers)
    graded_for_rescoring(world)
    with TestClient(create_http_app(container, background=False)) as client:
        yield client, world, clock


@pytest.fixture
def as_person(issuer):
    return lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}


def pointers(r):
    return [e["pointer"] for e in r.json().get("errors", [])]


def set_finer_rules(client, as_person):
    body = {**FINER_RULES, "reason": "finer grades"}
    r = client.put("/v1/scoring-rules", json=body, headers=as_person("ceo", "admin"))
    assert r.status_code == 200 and r.json()["version"] == 1, r.text


def team_of(items, world):
    return next(i for i in items if i["objective_id"] == str(world.team.id))


def test_a_second_version_answers_different_bands_while_the_finalised_ones_stay(service, as_person):
    client, world, _ = service
    admin = as_person("ceo", "admin")
    r = client.post(f"/v1/cycles/{CYCLE}/review/finalise", json={"reason": "done"}, headers=admin)
    assert r.status_code == 200, r.text
    set_finer_rules(client, as_person)
    stored = world.stored()
    r = client.post(RESCORE, json={"rule_version": 1}, headers=as_person("dev"))
    assert r.status_code == 200, r.text
    assert world.stored() == stored
    team = team_of(r.json()["reviews"], world)
    assert (team["bound"]["band"]["color"], team["other"]["band"]["color"]) == ("yellow", "red")
    assert r.json()["changed"][0]["after"]["color"] == "red"
    assert r.json()["distribution"]["other"]["by_org_unit"]
    assert "judgements" in r.json()["note"]
    review = client.get(f"/v1/reviews/{world.review_id(world.team)}", headers=as_person("dev"))
    assert review.json()["band"]["color"] == "yellow" and review.json()["rule_version"] == 0


def test_a_draft_rescores_and_the_scores_as_of_an_instant(service, as_person):
    client, world, clock = service
    r = client.post(RESCORE, json={"rules": FINER_RULES}, headers=as_person("dev"))
    assert r.status_code == 200 and r.json()["draft"], r.text
    clock.advance(hours=2)
    r = client.post(
        f"/v1/cycles/{CYCLE}/review/finalise",
        json={"reason": "done"},
        headers=as_person("ceo", "admin"),
    )
    assert r.status_code == 200
    before = (NOW + timedelta(hours=1)).isoformat()
    r = client.get(SCORES, params={"as_of": before}, headers=as_person("dev"))
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == 3 and not any(i["finalised"] for i in r.json()["items"])
    r = client.get(SCORES, headers=as_person("dev"))
    assert all(i["finalised"] for i in r.json()["items"])
    r = client.post(RESCORE, json={"rules": FINER_RULES, "as_of": before}, headers=as_person("dev"))
    assert r.status_code == 200 and not any(i["finalised"] for i in r.json()["reviews"])


def test_an_admin_adopts_a_version_with_a_reason_and_the_reviews_rebind(service, as_person):
    client, world, _ = service
    set_finer_rules(client, as_person)
    r = client.post(
        ADOPT, json={"rule_version": 1, "reason": "finer"}, headers=as_person("ceo", "admin")
    )
    assert r.status_code == 200, r.text
    assert {i["rule_version"] for i in r.json()["items"]} == {1}
    assert team_of(r.json()["items"], world)["band"]["color"] == "red"
    r = client.post(
        ADOPT, json={"rule_version": 1, "reason": "again"}, headers=as_person("ceo", "admin")
    )
    assert r.status_code == 409 and pointers(r) == ["#/rule_version"], r.text


def broken_bands():
    rules = {**FINER_RULES, "bands": {**FINER_RULES["bands"]}}
    rules["bands"]["aspirational"] = [dict(b) for b in FINER_RULES["bands"]["aspirational"]]
    rules["bands"]["aspirational"][1]["from"] = 0.4
    return rules


def missing_band():
    return {**FINER_RULES, "bands": {"aspirational": FINER_RULES["bands"]["aspirational"]}}


@pytest.mark.parametrize(
    "body, status, pointer",
    [
        ({}, 422, "#/rule_version"),
        ({"rule_version": 0, "rules": FINER_RULES}, 422, "#/rules"),
        ({"rule_version": 9}, 404, "#/rule_version"),
        ({"rule_version": -1}, 422, "#/rule_version"),
        ({"rules": broken_bands()}, 422, "#/rules/bands/aspirational/1/from"),
        ({"rules": missing_band()}, 422, "#/rules/bands/committed"),
        ({"rules": {**DEFAULT_RULES, "step": 0.3}}, 422, "#/rules/step"),
        ({"rule_version": 0, "as_of": "yesterday"}, 422, "#/as_of"),
        ({"rule_version": 0, "as_of": "2026-04-01T00:00:00"}, 422, "#/as_of"),
        ({"rule_version": 0, "as_of": "2027-01-01T00:00:00Z"}, 422, "#/as_of"),
        ({"rule_version": 0, "extra": 1}, 422, "#/extra"),
    ],
)
def test_bad_rescorings_name_the_field_and_store_nothing(service, as_person, body, status, pointer):
    client, world, _ = service
    stored = world.stored()
    r = client.post(RESCORE, json=body, headers=as_person("dev"))
    assert r.status_code == status and pointer in pointers(r), r.text
    assert world.stored() == stored


@pytest.mark.parametrize(
    "body, roles, status, pointer",
    [
        ({"rule_version": 1, "reason": "finer"}, (), 403, "#"),
        ({"rule_version": 1}, ("admin",), 422, "#/reason"),
        ({"rule_version": 1, "reason": " "}, ("admin",), 422, "#/reason"),
        ({"rule_version": 0, "reason": "again"}, ("admin",), 409, "#/rule_version"),
        ({"rule_version": 5, "reason": "unknown"}, ("admin",), 404, "#/rule_version"),
        ({"rules": FINER_RULES, "reason": "a draft"}, ("admin",), 422, "#/rule_version"),
    ],
)
def test_bad_adoptions_name_the_field_and_store_nothing(
    service, as_person, body, roles, status, pointer
):
    client, world, _ = service
    set_finer_rules(client, as_person)
    stored = world.stored()
    r = client.post(ADOPT, json=body, headers=as_person("ceo", *roles))
    assert r.status_code == status and pointer in pointers(r), r.text
    assert world.stored() == stored


@pytest.mark.parametrize(
    "params, pointer",
    [({"as_of": "not-a-time"}, "query:as_of"), ({"as_of": "2026-04-01T00:00:00"}, "query:as_of")],
)
def test_a_malformed_instant_is_refused_naming_the_query_parameter(
    service, as_person, params, pointer
):
    client, _, _ = service
    r = client.get(SCORES, params=params, headers=as_person("dev"))
    assert r.status_code == 422 and pointers(r) == [pointer], r.text


def test_a_future_instant_is_refused(service, as_person):
    client, _, clock = service
    at = (clock.now() + timedelta(minutes=1)).isoformat()
    r = client.get(SCORES, params={"as_of": at}, headers=as_person("dev"))
    assert r.status_code == 422 and pointers(r) == ["query:as_of"], r.text


def test_an_unknown_cycle_is_not_found_and_answers_503_while_knowledge_lags(service, as_person):
    client, world, _ = service
    for method, path, body in (
        ("post", "/v1/cycles/1999-Q1/rescore", {"rule_version": 0}),
        ("get", "/v1/cycles/1999-Q1/scores", None),
        ("post", "/v1/cycles/1999-Q1/rescore/adopt", {"rule_version": 0, "reason": "x"}),
    ):
        headers = as_person("ceo", "admin")
        r = client.request(method, path, json=body, headers=headers)
        assert r.status_code == 404, r.text
        world.service.knowledge.freshness = FakeFreshness(False)
        r = client.request(method, path, json=body, headers=headers)
        assert r.status_code == 503, r.text
        world.service.knowledge.freshness = FakeFreshness(True)


def test_the_routes_are_documented_with_their_models(service):
    client, _, _ = service
    paths = client.get("/openapi.json").json()["paths"]
    adopt = paths["/v1/cycles/{cycle_id}/rescore/adopt"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422", "503"} <= set(adopt)
    rescore = paths["/v1/cycles/{cycle_id}/rescore"]["post"]["responses"]
    assert "RescoreOut" in rescore["200"]["content"]["application/json"]["schema"]["$ref"]
    assert "ScoresOut" in str(paths["/v1/cycles/{cycle_id}/scores"]["get"]["responses"]["200"])
