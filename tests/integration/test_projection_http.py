"""The read API over the real document store: a hidden objective answers 404 and is left out of
lists."""

import uuid

import httpx
import pytest

from okr_projections.bootstrap import bootstrap
from okr_projections.http import create_http_app
from okr_projections.settings import ProjectionsSettings
from okr_shared.settings import KafkaSettings
from tests.support.goal_events import created
from tests.support.projection_feed import Feed


@pytest.fixture
async def service(infra):
    settings = ProjectionsSettings(
        kafka=KafkaSettings(bootstrap_servers=infra.kafka_bootstrap),
        mongo_url=infra.mongo_url,
        database=f"okr_test_{uuid.uuid4().hex[:10]}",
    )
    container = bootstrap(settings)
    await container.ensure_indexes()
    transport = httpx.ASGITransport(app=create_http_app(container, consume=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://projections") as client:
        yield client, Feed(container.projector)
    await container.mongo.drop_database(settings.database)
    await container.mongo.close()


def auth(issuer, actor_id, *roles):
    return {"Authorization": f"Bearer {issuer.issue('acme', actor_id, roles)}"}


async def test_a_private_objective_is_404_and_unlisted_for_others_but_served_to_its_owner(
    service, issuer
):
    client, feed = service
    hidden, public = str(uuid.uuid4()), str(uuid.uuid4())
    await feed("ObjectiveCreated", created(hidden, owner_id="ana", visibility="private"))
    await feed("ObjectiveCreated", created(public, owner_id="ana"))
    r = await client.get(f"/v1/objectives/{hidden}/progress", headers=auth(issuer, "bob"))
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    listed = (await client.get("/v1/objectives", headers=auth(issuer, "bob"))).json()["items"]
    assert [d["objective_id"] for d in listed] == [public]
    mine = (await client.get("/v1/people/ana/objectives", headers=auth(issuer, "ana"))).json()[
        "items"
    ]
    assert {d["objective_id"] for d in mine} == {hidden, public} and mine[0]["involvement"] == [
        "owner"
    ]
    doc = (
        await client.get(f"/v1/objectives/{hidden}/progress", headers=auth(issuer, "ana"))
    ).json()
    assert doc["objective_id"] == hidden and doc["progress"] == 0.0 and "_id" not in doc


async def test_directory_and_cycle_documents_are_served_by_their_business_ids(service, issuer):
    client, feed = service
    await feed(
        "OrgUnitCreated",
        {"org_unit_id": "company", "name": "Co", "kind": "company", "parent_id": None},
    )
    await feed(
        "OrgUnitCreated",
        {"org_unit_id": "sales", "name": "Sales", "kind": "department", "parent_id": "company"},
    )
    await feed(
        "PersonJoined",
        {
            "person_id": "E1",
            "name": "Ana",
            "email": "ana@x",
            "manager_id": None,
            "org_unit_id": "sales",
            "locale": "de",
        },
    )
    await feed(
        "CyclePlanned",
        {
            "cycle_id": "2026-Q4",
            "name": "Q4",
            "cadence": "quarterly",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-31",
        },
    )
    headers = auth(issuer, "E1")
    unit = (await client.get("/v1/org-units/sales", headers=headers)).json()
    assert unit["ancestors"] == ["company"] and unit["org_unit_id"] == "sales"
    assert (await client.get("/v1/people/E1", headers=headers)).json()["locale"] == "de"
    assert (await client.get("/v1/cycles/2026-Q4", headers=headers)).json()["state"] == "planning"
    assert (await client.get("/v1/cycles/2025-Q1", headers=headers)).status_code == 404
