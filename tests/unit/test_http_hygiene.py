"""What no request may do to any service: reach a route without a token, crash it with huge
numbers or deep JSON, or store strings that are not valid Unicode or hold control characters."""

import pytest
from fastapi.testclient import TestClient

from okr_projections.http import create_http_app as projections_http
from tests.support.apps import checkins_app, goals_app
from tests.support.checkins import World
from tests.support.org import CYCLE
from tests.support.projections_http import stub_container

HUGE = "9223372036854775808"
DEEP = "[" * 10_000 + "]" * 10_000
PAGED = [
    "/v1/objectives",
    "/v1/org-units/acme/objectives",
    "/v1/people/ceo/objectives",
    "/v1/people/ceo/check-ins-due",
]


class NoReads:
    """Queries that fail the test if a request gets as far as reading."""

    def __getattr__(self, name):
        raise AssertionError(f"the request reached the read model ({name})")


@pytest.fixture
def admin(issuer):
    return {"Authorization": f"Bearer {issuer.issue('acme', 'ceo', roles=('admin',))}"}


@pytest.fixture
def goals():
    with TestClient(goals_app()) as client:
        yield client


@pytest.fixture
def checkins():
    world = World()
    with TestClient(checkins_app(world)) as client:
        yield client, world


@pytest.fixture
def projections():
    container = stub_container(NoReads())
    return TestClient(projections_http(container, consume=False))


def problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def pointers(response, status=422):
    return [e["pointer"] for e in problem(response, status)["errors"]]


@pytest.mark.parametrize("path", PAGED)
@pytest.mark.parametrize("name", ["offset", "limit"])
def test_a_huge_page_offset_or_limit_is_a_422_naming_it(projections, admin, path, name):
    r = projections.get(path, params={name: HUGE}, headers=admin)
    assert pointers(r) == [f"query:{name}"]


def test_a_huge_people_offset_is_a_422_naming_it(goals, admin):
    assert pointers(goals.get("/v1/directory/people", params={"offset": HUGE}, headers=admin)) == [
        "query:offset"
    ]


def test_a_huge_objective_version_is_a_422_naming_it(goals, admin):
    r = goals.get(
        "/v1/objectives/0d1f6a52-4b55-4c0b-bb7e-5a4a9e0f0b01",
        params={"version": HUGE},
        headers=admin,
    )
    assert pointers(r) == ["query:version"]


@pytest.mark.parametrize("path", ["/v1/directory/import", "/v1/objectives"])
def test_a_deeply_nested_body_is_a_400_problem(goals, admin, path):
    r = goals.post(path, content=DEEP, headers={**admin, "content-type": "application/json"})
    assert "nest" in problem(r, 400)["detail"]


@pytest.mark.parametrize("text", ['"Ana\\ud800"', '"Ana\\u0000"', '"Ana\\u001b[31m"'])
def test_an_import_row_with_a_lone_surrogate_or_control_character_is_refused(goals, admin, text):
    body = (
        '{"org_units": [], "people": [{"person_id": "p9", "name": '
        + text
        + ', "email": "p9@acme.test", "org_unit_id": "acme"}]}'
    )
    r = goals.post(
        "/v1/directory/import", content=body, headers={**admin, "content-type": "application/json"}
    )
    assert pointers(r) == ["#/people/0/name"]
    assert goals.get("/v1/directory/people/p9", headers=admin).status_code == 404


def test_a_csv_import_row_with_a_control_character_is_refused(goals, admin):
    csv = "person_id,name,email,org_unit_id\np9,Ana\x00,p9@acme.test,acme\n"
    r = goals.post(
        "/v1/directory/import",
        params={"entity": "people"},
        content=csv,
        headers={**admin, "content-type": "text/csv"},
    )
    assert pointers(r) == ["#/people/0/name"]


@pytest.mark.parametrize("text", ["\\ud800", "\\u0000", "\\u0007"])
def test_an_objective_string_that_may_not_be_stored_is_a_422_naming_it(goals, admin, text):
    body = (
        '{"title": "UX ' + text + '", "level": "company", "owner_type": "org_unit", '
        '"owner_id": "acme", "cycle_id": "' + CYCLE + '", "tags": ["ok", "x' + text + '"]}'
    )
    r = goals.post(
        "/v1/objectives", content=body, headers={**admin, "content-type": "application/json"}
    )
    assert pointers(r) == ["#/tags/1", "#/title"]


def test_free_text_keeps_tabs_and_line_breaks(goals, admin):
    body = {
        "title": "UX",
        "description": "one\n\ttwo\r\n",
        "level": "company",
        "owner_type": "org_unit",
        "owner_id": "acme",
        "cycle_id": CYCLE,
    }
    assert goals.post("/v1/objectives", json=body, headers=admin).status_code == 201


def test_a_check_in_note_with_a_nul_is_a_422_naming_it(checkins, issuer):
    client, world = checkins
    body = {
        "key_result_id": world.numeric,
        "value": 60,
        "confidence": 7,
        "note": {"progress": "a\x00b"},
    }
    r = client.post(
        "/v1/check-ins",
        json=body,
        headers={"Authorization": f"Bearer {issuer.issue('acme', 'dev')}"},
    )
    assert pointers(r) == ["#/note/progress"]


def test_query_and_path_parameters_with_control_characters_are_refused(projections, goals, admin):
    assert pointers(projections.get("/v1/objectives", params={"tag": "a\x00"}, headers=admin)) == [
        "query:tag"
    ]
    assert pointers(goals.get("/v1/directory/people/ce%00o", headers=admin)) == ["path:person_id"]
    assert pointers(goals.get("/v1/directory/people/ce%0Ao", headers=admin)) == ["path:person_id"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nonsense"}])
def test_without_a_valid_token_a_malformed_body_is_401_not_400(goals, checkins, headers):
    client, _ = checkins
    for service, path in [
        (goals, "/v1/objectives"),
        (goals, "/v1/directory/import"),
        (client, "/v1/check-ins"),
        (goals, "/v1/nowhere"),
    ]:
        r = service.post(
            path, content="{not json", headers={**headers, "content-type": "application/json"}
        )
        assert problem(r, 401)["type"].endswith("/unauthenticated")


def test_health_and_the_api_documents_need_no_token(goals):
    for path in ["/health", "/openapi.json", "/docs"]:
        assert goals.get(path).status_code == 200


def test_an_unknown_query_parameter_is_a_422_naming_it(projections, admin):
    response = projections.get("/v1/objectives", params={"cycle": "2026-Q1"}, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "query:cycle", "detail": "unknown query parameter"}
    ]


def test_a_query_parameter_given_twice_is_a_422_naming_it(projections, admin):
    response = projections.get("/v1/cycles/q1/tree?org_unit_id=a&org_unit_id=b", headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "query:org_unit_id", "detail": "given more than once"}
    ]
