"""The read API's HTTP surface: tenant-scoped principals, problem details, filters and
pagination."""

import pytest
from fastapi.testclient import TestClient

from okr_projections.http import create_http_app
from tests.support.projections_http import StubQueries, stub_container


@pytest.fixture
def api(issuer):
    queries = StubQueries()
    container = stub_container(queries)
    client = TestClient(create_http_app(container, consume=False))
    client.headers["Authorization"] = f"Bearer {issuer.issue('acme', 'alice')}"
    return client, queries


def test_an_unknown_or_hidden_objective_is_a_404_problem(api):
    client, _ = api
    r = client.get("/v1/objectives/o2/progress")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/not-found")


def test_a_found_document_is_served_without_its_storage_key_and_with_iso_dates(api):
    client, queries = api
    body = client.get("/v1/objectives/o1/progress").json()
    assert "_id" not in body and body["created_at"] == "2026-01-01T00:00:00+00:00"
    assert queries.asked == [("objective", "acme", "o1")]


def test_list_filters_become_equality_filters_with_tag_matching_tags(api):
    client, queries = api
    r = client.get(
        "/v1/objectives",
        params={"cycle_id": "q1", "tag": "ux", "status": "active", "limit": 5, "offset": 10},
    )
    assert r.json()["limit"] == 5 and r.json()["offset"] == 10
    assert queries.asked == [("list", {"cycle_id": "q1", "tags": "ux", "status": "active"}, 5, 10)]


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"status": "done"}]
)
def test_bad_paging_or_filters_are_422_problems_naming_the_parameter(api, params):
    client, _ = api
    r = client.get("/v1/objectives", params=params)
    assert (
        r.status_code == 422 and r.json()["errors"][0]["pointer"] == f"query:{next(iter(params))}"
    )


def test_person_objectives_say_why_the_person_is_involved(api):
    client, _ = api
    (item,) = client.get("/v1/people/E1/objectives").json()["items"]
    assert item["objective_id"] == "o1" and item["involvement"] == ["owner", "initiative_owner"]


def test_directory_reads_answer_404_for_unknown_ids_and_the_document_otherwise(api):
    client, _ = api
    assert client.get("/v1/org-units/nope").status_code == 404
    assert client.get("/v1/people/E1").json() == {"person_id": "E1"}


def test_the_cycle_tree_names_its_cycle_and_roots(api):
    client, _ = api
    assert client.get("/v1/cycles/q1/tree").json() == {
        "cycle_id": "q1",
        "org_unit_id": None,
        "roots": [{"objective_id": "o1", "children": []}],
    }


def test_reads_need_a_bearer_token(api):
    client, _ = api
    assert client.get("/v1/cycles/q1/tree", headers={"Authorization": ""}).status_code == 401
