"""Bad input over HTTP: a problem-details answer naming the field, and nothing stored."""

import pytest
from fastapi.testclient import TestClient
from okr_goals.bootstrap import bootstrap
from okr_goals.entrypoints.http import create_http_app
from okr_goals.settings import GoalsSettings

VALID = {"title": "Best UX", "owner_id": "ceo", "level": "company", "cycle_id": "2026-Q1",
         "key_results": [{"title": "NPS", "start": 30, "target": 60, "unit": "pts", "weight": 0.5}]}


@pytest.fixture
def service():
    container = bootstrap(GoalsSettings(event_store={"PERSISTENCE_MODULE": "eventsourcing.popo"}))
    with TestClient(create_http_app(container, run_relay=False)) as client:
        yield client, container.application


@pytest.fixture
def auth(issuer):
    return {"Authorization": f"Bearer {issuer.issue('acme', 'alice')}"}


def nothing_stored(app) -> bool:
    return (app.recorder.max_notification_id() or 0) == 0


def pointers(response) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["pointer"] for e in response.json()["errors"]]


def test_valid_create_answers_201_with_location_and_etag(service, auth):
    client, _ = service
    r = client.post("/v1/objectives", json=VALID, headers=auth)
    assert r.status_code == 201
    assert r.headers["ETag"] == '"1"' and r.headers["Location"].endswith(r.json()["objective_id"])


@pytest.mark.parametrize("mutate, status, pointer", [
    (lambda b: b.pop("title"), 422, "#/title"),
    (lambda b: b.update(extra="x"), 422, "#/extra"),
    (lambda b: b["key_results"][0].update(weight=-0.1), 422, "#/key_results/0/weight"),
    (lambda b: b["key_results"][0].update(target=30), 422, "#/key_results/0/target"),
    (lambda b: b["key_results"][0].update(start="30"), 422, "#/key_results/0/start"),
    (lambda b: b.update(level="galaxy"), 422, "#/level"),
])
def test_invalid_body_names_the_field_and_stores_nothing(service, auth, mutate, status, pointer):
    client, app = service
    body = {**VALID, "key_results": [dict(VALID["key_results"][0])]}
    mutate(body)
    r = client.post("/v1/objectives", json=body, headers=auth)
    assert r.status_code == status
    assert pointer in pointers(r)
    assert nothing_stored(app)


def test_malformed_json_is_a_400_problem(service, auth):
    client, app = service
    r = client.post("/v1/objectives", content=b'{"title": ', headers={**auth, "content-type": "application/json"})
    assert r.status_code == 400 and pointers(r) == ["#"]
    assert nothing_stored(app)


def test_oversized_body_is_refused_with_413(service, auth):
    client, app = service
    r = client.post("/v1/objectives", content=b"{" + b" " * 300_000 + b"}", headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413
    assert nothing_stored(app)


@pytest.mark.parametrize("header", [None, "Bearer not-a-jwt", "Basic abc"])
def test_missing_or_invalid_token_is_401(service, header):
    client, app = service
    r = client.post("/v1/objectives", json=VALID, headers={"Authorization": header} if header else {})
    assert r.status_code == 401 and "WWW-Authenticate" in r.headers
    assert pointers(r) == ["header:Authorization"]
    assert nothing_stored(app)


def test_token_signed_with_another_key_is_401(service):
    import jwt
    client, _ = service
    forged = jwt.encode({"sub": "eve", "tenant": "acme", "iss": "okr-dev-issuer", "aud": "okr-platform",
                         "iat": 0, "exp": 4102444800}, "some-other-secret", algorithm="HS256")
    assert client.post("/v1/objectives", json=VALID, headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_foreign_tenant_gets_404_and_cannot_revise(service, auth, issuer):
    client, _ = service
    oid = client.post("/v1/objectives", json=VALID, headers=auth).json()["objective_id"]
    foreign = {"Authorization": f"Bearer {issuer.issue('globex', 'mallory')}"}
    assert client.get(f"/v1/objectives/{oid}", headers=foreign).status_code == 404
    r = client.patch(f"/v1/objectives/{oid}", json={"expected_version": 1, "title": "x"}, headers=foreign)
    assert r.status_code == 404
    assert client.get(f"/v1/objectives/{oid}", headers=auth).json()["title"] == "Best UX"


def test_stale_version_answers_409_naming_expected_version(service, auth):
    client, _ = service
    oid = client.post("/v1/objectives", json=VALID, headers=auth).json()["objective_id"]
    assert client.patch(f"/v1/objectives/{oid}", json={"expected_version": 1, "title": "A"}, headers=auth).status_code == 200
    r = client.patch(f"/v1/objectives/{oid}", json={"expected_version": 1, "title": "B"}, headers=auth)
    assert r.status_code == 409 and pointers(r) == ["#/expected_version"]


def test_retried_post_with_idempotency_key_returns_the_same_objective(service, auth):
    client, app = service
    headers = {**auth, "Idempotency-Key": "abc-123"}
    first = client.post("/v1/objectives", json=VALID, headers=headers)
    second = client.post("/v1/objectives", json=VALID, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert app.recorder.max_notification_id() == 1


def test_history_lists_who_when_and_why(service, auth):
    client, _ = service
    oid = client.post("/v1/objectives", json=VALID, headers=auth).json()["objective_id"]
    kr_id = client.get(f"/v1/objectives/{oid}", headers=auth).json()["key_results"][0]["key_result_id"]
    client.patch(f"/v1/objectives/{oid}/key-results/{kr_id}", json={"expected_version": 1, "target": 70, "reason": "raised bar"}, headers=auth)
    history = client.get(f"/v1/objectives/{oid}/history", headers=auth).json()
    assert [h["event"] for h in history] == ["Created", "KeyResultRevised"]
    assert history[1]["reason"] == "raised bar" and history[1]["actor_id"] == "alice"
    assert history[1]["changes"]["previous"] == {"target": 60.0}
    assert client.get(f"/v1/objectives/{oid}?version=1", headers=auth).json()["key_results"][0]["target"] == 60.0
