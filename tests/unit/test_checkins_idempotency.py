"""An Idempotency-Key on POST /v1/check-ins: a retry answers the check-in recorded first (200,
`Idempotent-Replayed`), the key reused for a different report is a 409, and nothing is stored
twice."""

import pytest

from okr_checkins import keys
from okr_checkins.check_ins.domain import repeats
from tests.support.checkins import http_service

KEY = "retry-7f3a"


@pytest.fixture
def service():
    with http_service() as running:
        yield running


@pytest.fixture
def as_person(issuer):
    def headers(who, key=None):
        token = {"Authorization": f"Bearer {issuer.issue('acme', who)}"}
        return {**token, "Idempotency-Key": key} if key is not None else token

    return headers


def stored(app) -> int:
    return app.recorder.max_notification_id() or 0


def body(world, **overrides):
    return {
        "key_result_id": world.numeric,
        "value": 60,
        "confidence": 7,
        "note": {"progress": "moved", "plans": "more", "problems": ""},
        "blockers": ["vendor"],
        **overrides,
    }


def history(client, world, headers, key_result_id=None):
    path = f"/v1/key-results/{key_result_id or world.numeric}/check-ins"
    return client.get(path, headers=headers).json()["items"]


def test_a_retry_answers_200_with_the_check_in_recorded_first(service, as_person):
    client, app, world = service
    dev = as_person("dev", KEY)
    first = client.post("/v1/check-ins", json=body(world), headers=dev)
    after_first = stored(app)
    world.clock.advance(minutes=3)
    second = client.post("/v1/check-ins", json=body(world), headers=dev)
    assert (first.status_code, second.status_code) == (201, 200), second.text
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert stored(app) == after_first
    assert [c["check_in_id"] for c in history(client, world, dev)] == [first.json()["check_in_id"]]


def test_the_replayed_answer_has_the_personal_texts_opened(service, as_person):
    client, _, world = service
    dev = as_person("dev", KEY)
    client.post("/v1/check-ins", json=body(world), headers=dev)
    replayed = client.post("/v1/check-ins", json=body(world), headers=dev).json()
    assert replayed["note"] == {"progress": "moved", "plans": "more", "problems": ""}
    assert replayed["blockers"] == ["vendor"]


def test_a_back_dated_retry_with_the_same_time_is_replayed(service, as_person):
    client, app, world = service
    dev = as_person("dev", KEY)
    dated = body(world, effective_at="2026-01-10T09:00:00+01:00")
    first = client.post("/v1/check-ins", json=dated, headers=dev)
    after_first = stored(app)
    same_instant = body(world, effective_at="2026-01-10T08:00:00Z")
    second = client.post("/v1/check-ins", json=same_instant, headers=dev)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["check_in_id"] == first.json()["check_in_id"]
    assert stored(app) == after_first


@pytest.mark.parametrize(
    "first, retry",
    [
        ({}, {"value": 61}),
        ({}, {"confidence": 6}),
        ({}, {"note": {"progress": "moved", "plans": "less", "problems": ""}}),
        ({}, {"blockers": []}),
        ({}, {"effective_at": "2026-01-10T00:00:00Z"}),
        ({"effective_at": "2026-01-10T00:00:00Z"}, {}),
        ({"effective_at": "2026-01-10T00:00:00Z"}, {"effective_at": "2026-01-11T00:00:00Z"}),
    ],
)
def test_the_key_reused_for_a_different_report_is_a_conflict_and_stores_nothing(
    service, as_person, first, retry
):
    client, app, world = service
    dev = as_person("dev", KEY)
    assert client.post("/v1/check-ins", json=body(world, **first), headers=dev).status_code == 201
    after_first = stored(app)
    r = client.post("/v1/check-ins", json=body(world, **retry), headers=dev)
    assert r.status_code == 409, r.text
    assert r.json()["type"].endswith("/problems/idempotency-conflict")
    assert [e["pointer"] for e in r.json()["errors"]] == ["header:Idempotency-Key"]
    assert stored(app) == after_first
    assert len(history(client, world, dev)) == 1


def test_without_a_key_two_posts_record_two_check_ins(service, as_person):
    client, _, world = service
    dev = as_person("dev")
    answers = [client.post("/v1/check-ins", json=body(world), headers=dev) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert len({a.json()["check_in_id"] for a in answers}) == 2
    assert len(history(client, world, dev)) == 2


def test_a_key_names_a_request_of_one_person_on_one_key_result(service, as_person):
    client, app, world = service
    on_numeric = client.post("/v1/check-ins", json=body(world), headers=as_person("dev", KEY))
    by_lead = client.post("/v1/check-ins", json=body(world), headers=as_person("lead", KEY))
    milestone = body(world, key_result_id=world.milestone, value=True)
    on_milestone = client.post("/v1/check-ins", json=milestone, headers=as_person("lead", KEY))
    assert [r.status_code for r in (on_numeric, by_lead, on_milestone)] == [201, 201, 201]
    assert len({r.json()["check_in_id"] for r in (on_numeric, by_lead, on_milestone)}) == 3
    assert len(history(client, world, as_person("dev"))) == 2


def test_a_key_longer_than_200_characters_is_refused_naming_the_header(service, as_person):
    client, app, world = service
    r = client.post("/v1/check-ins", json=body(world), headers=as_person("dev", "k" * 201))
    assert r.status_code == 422, r.text
    assert [e["pointer"] for e in r.json()["errors"]] == ["header:Idempotency-Key"]
    assert stored(app) == 0


def test_a_refused_first_try_leaves_the_key_free(service, as_person):
    client, app, world = service
    dev = as_person("dev", KEY)
    refused = client.post("/v1/check-ins", json=body(world, confidence=11), headers=dev)
    assert refused.status_code == 422 and stored(app) == 0
    assert client.post("/v1/check-ins", json=body(world), headers=dev).status_code == 201


def test_the_openapi_documents_the_header_and_the_200(service):
    client, _, _ = service
    post = client.get("/openapi.json").json()["paths"]["/v1/check-ins"]["post"]
    assert {"200", "201", "409", "422", "503"} <= set(post["responses"])
    header = next(p for p in post["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["schema"]["anyOf"][0]["maxLength"] == 200


def test_the_check_in_id_derives_from_tenant_person_key_result_and_key():
    ids = {
        keys.repeatable_check_in_id(*parts)
        for parts in [
            ("acme", "dev", "kr-1", "k"),
            ("globex", "dev", "kr-1", "k"),
            ("acme", "lead", "kr-1", "k"),
            ("acme", "dev", "kr-2", "k"),
            ("acme", "dev", "kr-1", "j"),
        ]
    }
    assert len(ids) == 5
    assert keys.repeatable_check_in_id("acme", "dev", "kr-1", "k") in ids


def stored_check_in(**overrides):
    return {
        "value": True,
        "confidence": 7,
        "note": {"progress": "", "plans": "", "problems": ""},
        "blockers": [],
        "effective_at": "2026-02-16T12:00:00+00:00",
        "recorded_at": "2026-02-16T12:00:00+00:00",
        **overrides,
    }


def test_a_milestone_done_is_not_the_number_one():
    assert repeats(stored_check_in(), stored_check_in(), effective_given=False)
    assert not repeats(stored_check_in(), stored_check_in(value=1.0), effective_given=False)


def test_an_omitted_effective_time_matches_only_a_check_in_effective_when_recorded():
    dated = stored_check_in(effective_at="2026-02-10T00:00:00+00:00")
    later = stored_check_in(recorded_at="2026-02-16T12:05:00+00:00")
    assert not repeats(dated, later, effective_given=False)
    assert repeats(dated, dated, effective_given=True)
