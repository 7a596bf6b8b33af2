"""Bad input over HTTP: a problem-details answer naming the field, and nothing stored."""

import jwt
import pytest
from fastapi.testclient import TestClient

from okr_goals.bootstrap import bootstrap
from okr_goals.http import create_http_app
from okr_goals.settings import GoalsSettings
from tests.support.org import CYCLE, seed

VALID = {
    "title": "Best UX",
    "owner_type": "org_unit",
    "owner_id": "acme",
    "level": "company",
    "cycle_id": CYCLE,
    "key_results": [
        {
            "title": "NPS",
            "kind": "increase_to",
            "start": 30,
            "target": 60,
            "unit": "pts",
            "weight": 0.5,
        }
    ],
}


@pytest.fixture
def service():
    container = bootstrap(GoalsSettings(event_store={"PERSISTENCE_MODULE": "eventsourcing.popo"}))
    seed(container.features)
    with TestClient(create_http_app(container, run_relay=False)) as client:
        yield client, container.features


@pytest.fixture
def auth(issuer):
    return {"Authorization": f"Bearer {issuer.issue('acme', 'ceo', roles=('admin',))}"}


@pytest.fixture
def as_person(issuer):
    return lambda who: {"Authorization": f"Bearer {issuer.issue('acme', who)}"}


def stored(app) -> int:
    return app.store.recorder.max_notification_id() or 0


def pointers(response) -> list[str]:
    assert response.headers["content-type"].startswith("application/problem+json")
    return [e["pointer"] for e in response.json()["errors"]]


def create(client, auth, **overrides):
    r = client.post("/v1/objectives", json={**VALID, **overrides}, headers=auth)
    assert r.status_code == 201, r.text
    return r.json()


def test_valid_create_answers_201_with_location_etag_and_advice(service, auth):
    client, _ = service
    r = client.post("/v1/objectives", json=VALID, headers=auth)
    assert r.status_code == 201
    assert r.headers["ETag"] == '"1"' and r.headers["Location"].endswith(r.json()["objective_id"])
    assert r.json()["warnings"] == ["the objective has 1 key results; 2 to 5 are recommended"]


@pytest.mark.parametrize(
    "mutate, status, pointer",
    [
        (lambda b: b.pop("title"), 422, "#/title"),
        (lambda b: b.update(extra="x"), 422, "#/extra"),
        (lambda b: b["key_results"][0].update(weight=-0.1), 422, "#/key_results/0/weight"),
        (lambda b: b["key_results"][0].update(weight=1.5), 422, "#/key_results/0/weight"),
        (lambda b: b["key_results"][0].update(target=30), 422, "#/key_results/0/target"),
        (lambda b: b["key_results"][0].update(start="30"), 422, "#/key_results/0/start"),
        (lambda b: b["key_results"][0].update(kind="milestone"), 422, "#/key_results/0/start"),
        (
            lambda b: b["key_results"].append({"title": "Done", "kind": "milestone", "target": 1}),
            422,
            "#/key_results/1/target",
        ),
        (
            lambda b: b["key_results"].append(
                {"title": "Keep", "kind": "range", "baseline": 5, "lower": 9, "upper": 3}
            ),
            422,
            "#/key_results/1/lower",
        ),
        (
            lambda b: b["key_results"].append(
                {"title": "Cash", "kind": "currency", "start": 0, "target": 9, "currency": "XYZ"}
            ),
            422,
            "#/key_results/1/currency",
        ),
        (lambda b: b.update(level="galaxy"), 422, "#/level"),
        (lambda b: b.update(cycle_id="1999-Q9"), 422, "#/cycle_id"),
        (lambda b: b.update(owner_id="nowhere"), 422, "#/owner_id"),
        (lambda b: b.update(level="team"), 422, "#/level"),
        (lambda b: b.update(visibility="private"), 422, "#/visibility"),
        (
            lambda b: b.update(
                aligned_to=[{"parent_objective_id": "0d1f6a52-4b55-4c0b-bb7e-5a4a9e0f0b01"}]
            ),
            422,
            "#/aligned_to/0/parent_objective_id",
        ),
        (
            lambda b: b.update(aligned_to=[{"parent_objective_id": "x", "weight": 2}]),
            422,
            "#/aligned_to/0/weight",
        ),
    ],
)
def test_invalid_body_names_the_field_and_stores_nothing(service, auth, mutate, status, pointer):
    client, app = service
    body = {**VALID, "key_results": [dict(VALID["key_results"][0])]}
    mutate(body)
    before = stored(app)
    r = client.post("/v1/objectives", json=body, headers=auth)
    assert r.status_code == status, r.text
    assert pointer in pointers(r)
    assert stored(app) == before


def test_alignment_cycle_is_a_problem_naming_the_parent(service, auth):
    client, app = service
    a = create(client, auth, level="department", owner_id="sales")
    b = create(
        client,
        auth,
        level="department",
        owner_id="rnd",
        aligned_to=[{"parent_objective_id": a["objective_id"]}],
    )
    before = stored(app)
    r = client.post(
        f"/v1/objectives/{a['objective_id']}/alignments",
        headers=auth,
        json={"expected_version": 1, "parent_objective_id": b["objective_id"]},
    )
    assert r.status_code == 422 and r.json()["type"].endswith("alignment-cycle")
    assert pointers(r) == ["#/parent_objective_id"] and stored(app) == before


def test_revision_without_reason_in_an_active_cycle_is_refused(service, auth):
    client, app = service
    o = create(client, auth)
    assert (
        client.post(f"/v1/cycles/{CYCLE}/state", json={"state": "active"}, headers=auth).status_code
        == 200
    )
    before = stored(app)
    r = client.patch(
        f"/v1/objectives/{o['objective_id']}",
        json={"expected_version": 1, "title": "X"},
        headers=auth,
    )
    assert r.status_code == 422 and pointers(r) == ["#/reason"] and stored(app) == before
    ok = client.patch(
        f"/v1/objectives/{o['objective_id']}",
        headers=auth,
        json={"expected_version": 1, "title": "X", "reason": "sharper"},
    )
    assert ok.status_code == 200 and ok.json()["title"] == "X"


def test_closed_cycle_edit_without_correction_rights_is_refused(service, auth, as_person):
    client, app = service
    o = create(client, auth)
    for state in ("active", "grading", "closed"):
        client.post(
            f"/v1/cycles/{CYCLE}/state", json={"state": state, "reason": "calendar"}, headers=auth
        )
    before = stored(app)
    path = f"/v1/objectives/{o['objective_id']}"
    locked = client.patch(
        path, json={"expected_version": 1, "title": "X", "reason": "typo"}, headers=auth
    )
    assert locked.status_code == 409 and pointers(locked) == ["#/correction"]
    not_admin = client.patch(
        path,
        json={"expected_version": 1, "title": "X", "reason": "typo", "correction": True},
        headers=as_person("ceo"),
    )
    assert not_admin.status_code == 403 and pointers(not_admin) == ["#/correction"]
    assert stored(app) == before
    fixed = client.patch(
        path,
        json={"expected_version": 1, "title": "X", "reason": "typo", "correction": True},
        headers=auth,
    )
    assert fixed.status_code == 200
    assert client.get(f"{path}/history", headers=auth).json()[-1]["correction"] is True


def test_import_with_broken_rows_reports_each_row_and_stores_nothing(service, auth):
    client, app = service
    before = stored(app)
    csv = "person_id,name,email,org_unit_id\nn1,Nina,nina@acme.test,web\nn2,,bad-mail,mars\n"
    r = client.post(
        "/v1/directory/import?entity=people",
        content=csv,
        headers={**auth, "content-type": "text/csv"},
    )
    assert r.status_code == 422
    assert {(e["pointer"], e["line"]) for e in r.json()["errors"]} == {
        ("#/people/1/name", 3),
        ("#/people/1/email", 3),
        ("#/people/1/org_unit_id", 3),
    }
    assert stored(app) == before
    good = client.post(
        "/v1/directory/import?entity=people",
        content=csv.splitlines()[0] + "\n" + csv.splitlines()[1] + "\n",
        headers={**auth, "content-type": "text/csv"},
    )
    assert good.status_code == 200 and good.json()["created"] == 1


def test_malformed_json_is_a_400_problem(service, auth):
    client, app = service
    before = stored(app)
    r = client.post(
        "/v1/objectives",
        content=b'{"title": ',
        headers={**auth, "content-type": "application/json"},
    )
    assert r.status_code == 400 and pointers(r) == ["#"]
    assert stored(app) == before


def test_oversized_body_is_refused_with_413(service, auth):
    client, _ = service
    big = b"{" + b" " * 300_000 + b"}"
    assert (
        client.post(
            "/v1/objectives", content=big, headers={**auth, "content-type": "application/json"}
        ).status_code
        == 413
    )


@pytest.mark.parametrize("header", [None, "Bearer not-a-jwt", "Basic abc"])
def test_missing_or_invalid_token_is_401(service, header):
    client, app = service
    before = stored(app)
    r = client.post(
        "/v1/objectives", json=VALID, headers={"Authorization": header} if header else {}
    )
    assert r.status_code == 401 and "WWW-Authenticate" in r.headers
    assert pointers(r) == ["header:Authorization"]
    assert stored(app) == before


def test_token_signed_with_another_key_is_401(service):
    client, _ = service
    forged = jwt.encode(
        {
            "sub": "eve",
            "tenant": "acme",
            "iss": "okr-dev-issuer",
            "aud": "okr-platform",
            "iat": 0,
            "exp": 4102444800,
        },
        "some-other-secret",
        algorithm="HS256",
    )
    assert (
        client.post(
            "/v1/objectives", json=VALID, headers={"Authorization": f"Bearer {forged}"}
        ).status_code
        == 401
    )


def test_foreign_tenant_gets_404_and_cannot_revise(service, auth, issuer):
    client, _ = service
    oid = create(client, auth)["objective_id"]
    foreign = {"Authorization": f"Bearer {issuer.issue('globex', 'mallory', roles=('admin',))}"}
    assert client.get(f"/v1/objectives/{oid}", headers=foreign).status_code == 404
    r = client.patch(
        f"/v1/objectives/{oid}", json={"expected_version": 1, "title": "x"}, headers=foreign
    )
    assert r.status_code == 404
    assert client.get(f"/v1/objectives/{oid}", headers=auth).json()["title"] == "Best UX"


def test_stale_version_answers_409_naming_expected_version(service, auth):
    client, _ = service
    oid = create(client, auth)["objective_id"]
    assert (
        client.patch(
            f"/v1/objectives/{oid}", json={"expected_version": 1, "title": "A"}, headers=auth
        ).status_code
        == 200
    )
    r = client.patch(
        f"/v1/objectives/{oid}", json={"expected_version": 1, "title": "B"}, headers=auth
    )
    assert r.status_code == 409 and pointers(r) == ["#/expected_version"]


def test_retried_post_with_idempotency_key_returns_the_same_objective(service, auth):
    client, app = service
    headers = {**auth, "Idempotency-Key": "abc-123"}
    first = client.post("/v1/objectives", json=VALID, headers=headers)
    after_first = stored(app)
    second = client.post("/v1/objectives", json=VALID, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json() and stored(app) == after_first


def test_history_and_as_of_reads_show_the_old_target(service, auth):
    client, _ = service
    oid = create(client, auth)["objective_id"]
    kr_id = client.get(f"/v1/objectives/{oid}", headers=auth).json()["key_results"][0][
        "key_result_id"
    ]
    client.patch(
        f"/v1/objectives/{oid}/key-results/{kr_id}",
        headers=auth,
        json={"expected_version": 1, "target": 70, "reason": "raised bar"},
    )
    history = client.get(f"/v1/objectives/{oid}/history", headers=auth).json()
    assert [h["event"] for h in history] == ["Created", "KeyResultRevised"]
    assert history[1]["reason"] == "raised bar" and history[1]["actor_id"] == "ceo"
    assert history[1]["changes"]["previous"] == {"target": 60.0}
    assert (
        client.get(f"/v1/objectives/{oid}?version=1", headers=auth).json()["key_results"][0][
            "target"
        ]
        == 60.0
    )
    as_of = history[0]["recorded_at"]
    then = client.get(f"/v1/objectives/{oid}", params={"as_of": as_of}, headers=auth).json()
    assert then["key_results"][0]["target"] == 60.0
    naive = client.get(
        f"/v1/objectives/{oid}", params={"as_of": "2026-01-01T00:00:00"}, headers=auth
    )
    assert naive.status_code == 422 and pointers(naive) == ["query:as_of"]
