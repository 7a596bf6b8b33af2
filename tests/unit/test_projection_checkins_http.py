"""`GET /v1/people/{person_id}/check-ins-due` and who may read a person's check-ins due."""

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from okr_projections.http import create_http_app
from okr_projections.objectives.visibility import Reader, can_read_work_of
from tests.support.projections_http import StubQueries, stub_container

ITEM = {
    "_id": "acme:k1:2026-01-05T00:00:00+00:00",
    "tenant_id": "acme",
    "key_result_id": "k1",
    "owner_id": "E1",
    "period_start": datetime(2026, 1, 5, tzinfo=UTC),
    "status": "overdue",
}


class DueQueries(StubQueries):
    async def check_ins_due(self, principal, person_id, limit, offset):
        self.asked.append(("due", principal.tenant_id, person_id, limit, offset))
        return [ITEM] if person_id == "E1" else None


@pytest.fixture
def client(issuer):
    container = stub_container(DueQueries())
    client = TestClient(create_http_app(container, consume=False))
    client.headers["Authorization"] = f"Bearer {issuer.issue('acme', 'E1')}"
    return client, container.queries.due


def test_check_ins_due_are_served_as_a_page_named_by_the_person_with_iso_dates(client):
    http, queries = client
    body = http.get("/v1/people/E1/check-ins-due", params={"limit": 5}).json()
    assert body == {
        "person_id": "E1",
        "limit": 5,
        "offset": 0,
        "items": [
            {
                "tenant_id": "acme",
                "key_result_id": "k1",
                "owner_id": "E1",
                "period_start": "2026-01-05T00:00:00+00:00",
                "status": "overdue",
            }
        ],
    }
    assert queries.asked == [("due", "acme", "E1", 5, 0)]


def test_check_ins_due_of_someone_the_caller_may_not_see_are_a_403_problem(client):
    http, _ = client
    r = http.get("/v1/people/E2/check-ins-due")
    assert r.status_code == 403 and r.json()["type"].endswith("/forbidden")


@pytest.mark.parametrize(
    "reader, allowed",
    [
        (Reader("E1"), True),
        (Reader("boss", reports=frozenset({"E1"})), True),
        (Reader("root", is_admin=True), True),
        (Reader("peer", org_units=frozenset({"sales"})), False),
        (Reader("report", reports=frozenset()), False),
    ],
)
def test_a_persons_check_ins_due_are_for_them_the_people_above_them_and_admins(reader, allowed):
    assert can_read_work_of("E1", reader) is allowed
