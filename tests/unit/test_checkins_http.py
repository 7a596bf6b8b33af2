"""Bad check-in input over HTTP: a problem-details answer naming the field, and nothing stored."""

import pytest

from tests.support.checkins import http_service
from tests.support.freshness import FakeFreshness


@pytest.fixture
def service():
    with http_service() as running:
        yield running


@pytest.fixture
def as_person(issuer):
    return lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}


def stored(app) -> int:
    return app.recorder.max_notification_id() or 0


def body(world, **overrides):
    return {
        "key_result_id": world.numeric,
        "value": 60,
        "confidence": 7,
        "note": {"progress": "p", "plans": "n", "problems": ""},
        **overrides,
    }


def test_check_in_answers_201_with_band(service, as_person):
    client, _, world = service
    r = client.post("/v1/check-ins", json=body(world), headers=as_person("dev"))
    assert r.status_code == 201 and r.json()["confidence_band"] == "on_track"


@pytest.mark.parametrize(
    "overrides, status, pointer",
    [
        ({"value": "60"}, 422, "#/value"),
        ({"confidence": 11}, 422, "#/confidence"),
        ({"confidence": 7.5}, 422, "#/confidence"),
        ({"key_result_id": "ghost"}, 422, "#/key_result_id"),
        ({"effective_at": "2026-03-01T00:00:00Z"}, 422, "#/effective_at"),
        ({"effective_at": "2025-06-01T00:00:00Z"}, 422, "#/effective_at"),
        ({"note": {"mood": "x"}}, 422, "#/note/mood"),
        ({"extra": 1}, 422, "#/extra"),
    ],
)
def test_invalid_check_in_names_the_field_and_stores_nothing(
    service, as_person, overrides, status, pointer
):
    client, app, world = service
    r = client.post("/v1/check-ins", json=body(world, **overrides), headers=as_person("dev"))
    assert r.status_code == status, r.text
    assert pointer in [e["pointer"] for e in r.json()["errors"]]
    assert stored(app) == 0


def test_milestone_takes_done_or_not_done(service, as_person):
    client, app, world = service
    r = client.post(
        "/v1/check-ins", json=body(world, key_result_id=world.milestone), headers=as_person("dev")
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/value"
    ok = client.post(
        "/v1/check-ins",
        json=body(world, key_result_id=world.milestone, value=True),
        headers=as_person("lead"),
    )
    assert ok.status_code == 201


def test_someone_without_rights_gets_403_and_nothing_is_stored(service, as_person):
    client, app, world = service
    r = client.post("/v1/check-ins", json=body(world), headers=as_person("rep"))
    assert r.status_code == 403 and r.json()["errors"][0]["pointer"] == "#/key_result_id"
    assert stored(app) == 0


def test_foreign_tenant_key_result_is_unknown(service, issuer):
    client, app, world = service
    foreign = {"Authorization": f"Bearer {issuer.issue('globex', 'ceo', roles=('admin',))}"}
    r = client.post("/v1/check-ins", json=body(world), headers=foreign)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/key_result_id"


def test_correction_of_a_missing_check_in_is_refused(service, as_person):
    client, app, world = service
    r = client.post(
        "/v1/corrections",
        json=body(world, corrects="nope", reason="typo"),
        headers=as_person("dev"),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "#/corrects"
    assert stored(app) == 0


def test_known_at_and_effective_at_queries(service, as_person):
    client, app, world = service
    dev = as_person("dev")
    first = client.post(
        "/v1/check-ins",
        json=body(world, value=70, effective_at="2026-01-10T00:00:00Z"),
        headers=dev,
    ).json()
    learned = first["recorded_at"]
    world.clock.advance(hours=1)
    client.post(
        "/v1/corrections",
        json=body(world, value=75, corrects=first["check_in_id"], reason="misread"),
        headers=dev,
    )
    params = {"effective_at": "2026-01-12T00:00:00Z"}
    now = client.get(f"/v1/key-results/{world.numeric}/value", params=params, headers=dev).json()
    then = client.get(
        f"/v1/key-results/{world.numeric}/value",
        params={**params, "known_at": learned},
        headers=dev,
    ).json()
    assert (then["value"], now["value"]) == (70, 75)
    naive = client.get(
        f"/v1/key-results/{world.numeric}/value",
        params={"known_at": "2026-01-12T00:00:00"},
        headers=dev,
    )
    assert naive.status_code == 422


def test_feed_answers_per_item_and_a_retry_records_nothing_twice(service, as_person):
    client, app, world = service
    feed = {
        "items": [
            body(world, idempotency_key="bi-1", value=55),
            body(world, idempotency_key="bi-2", key_result_id="ghost"),
        ]
    }
    bi = as_person("bi-connector", "integration")
    first = client.post("/v1/integrations/check-ins", json=feed, headers=bi)
    after_first = stored(app)
    second = client.post("/v1/integrations/check-ins", json=feed, headers=bi)
    assert first.status_code == 207
    assert [i["status"] for i in first.json()["items"]] == ["recorded", "rejected"]
    assert first.json()["items"][1]["problem"]["pointer"] == "#/items/1/key_result_id"
    assert [i["status"] for i in second.json()["items"]] == ["duplicate", "rejected"]
    assert stored(app) == after_first


@pytest.mark.parametrize("path", ["/v1/key-results/ghost/check-ins", "/v1/key-results/ghost/value"])
def test_an_unknown_key_result_in_the_path_answers_404_not_found(service, as_person, path):
    client, _, _ = service
    r = client.get(path, headers=as_person("dev"))
    assert r.status_code == 404, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/problems/not-found") and "errors" not in r.json()


def test_another_tenants_key_result_in_the_path_answers_404(service, issuer):
    client, _, world = service
    foreign = {"Authorization": f"Bearer {issuer.issue('globex', 'ceo', roles=('admin',))}"}
    assert client.get(f"/v1/key-results/{world.numeric}/value", headers=foreign).status_code == 404


def test_a_refusal_while_knowledge_may_be_behind_answers_503_with_retry_after(service, as_person):
    client, app, world = service
    client.app.state.container.handlers.goals.freshness = FakeFreshness(current=False)
    dev = as_person("dev")
    for r in (
        client.post("/v1/check-ins", json=body(world, key_result_id="ghost"), headers=dev),
        client.get("/v1/key-results/ghost/value", headers=dev),
    ):
        assert r.status_code == 503, r.text
        assert r.headers["retry-after"] == "1"
        assert r.json()["type"] == "https://okr-platform.dev/problems/not-known-yet"
        assert "may not have learned the latest goal changes" in r.json()["detail"]
    assert stored(app) == 0


def test_the_503_is_documented_on_the_routes_that_can_answer_it(service):
    client, _, _ = service
    paths = client.get("/openapi.json").json()["paths"]
    assert "Retry-After" in paths["/v1/check-ins"]["post"]["responses"]["503"]["headers"]
    assert "503" in paths["/v1/key-results/{key_result_id}/value"]["get"]["responses"]
    assert "503" not in paths["/v1/conversations/{conversation_id}"]["get"]["responses"]


def test_conversations_are_listed_for_their_participants_only(service, as_person):
    client, _, _ = service
    started = client.post(
        "/v1/conversations", json={"person_id": "dev", "topic": "Q1"}, headers=as_person("dev")
    )
    assert started.status_code == 201, started.text
    mine = client.get("/v1/conversations", headers=as_person("lead"))
    assert [c["conversation_id"] for c in mine.json()["items"]] == [
        started.json()["conversation_id"]
    ]
    assert client.get("/v1/conversations", headers=as_person("rep")).json() == {"items": []}
    refused = client.get("/v1/conversations?person_id=dev", headers=as_person("rep"))
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["pointer"] == "query:person_id"
    listed = client.get("/v1/conversations?person_id=dev", headers=as_person("ceo", "admin"))
    assert len(listed.json()["items"]) == 1
