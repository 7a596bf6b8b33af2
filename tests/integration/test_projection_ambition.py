"""Ambition history, score distributions and the grading view's unit filter on the real document
store: finalisations (one before its objective), a correction, a replay, and the routes."""

import uuid

import httpx
import pytest

from okr_projections.bootstrap import bootstrap
from okr_projections.http import create_http_app
from okr_projections.settings import ProjectionsSettings
from okr_shared.settings import KafkaSettings
from tests.support.goal_events import created
from tests.support.projection_feed import Feed
from tests.support.review_events import GREEN, RED, finalised, review_id_of, review_meta, scored


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
        yield client, Feed(container.projector), container.projector
    await container.mongo.drop_database(settings.database)
    await container.mongo.close()


def auth(issuer, actor_id, *roles):
    return {"Authorization": f"Bearer {issuer.issue('acme', actor_id, roles)}"}


def final(objective_id, score, commitment, cycle_id):
    return {
        **finalised(objective_id, score=score, band=GREEN if score >= 0.7 else RED),
        "cycle_id": cycle_id,
        "review_id": review_id_of(objective_id, cycle_id),
        "commitment": commitment,
    }


async def directory(feed):
    for unit, parent in (("company", None), ("sales", "company"), ("ops", "company")):
        kind = "company" if parent is None else "department"
        await feed(
            "OrgUnitCreated", {"org_unit_id": unit, "name": unit, "kind": kind, "parent_id": parent}
        )
    for person, unit, manager in (("mia", "sales", None), ("ana", "sales", "mia")):
        await feed(
            "PersonJoined",
            {
                "person_id": person,
                "name": person,
                "email": f"{person}@x",
                "manager_id": manager,
                "org_unit_id": unit,
                "locale": "en",
            },
        )
    for cycle, starts, ends in (
        ("q1", "2026-01-01", "2026-03-31"),
        ("q2", "2026-04-01", "2026-06-30"),
    ):
        await feed(
            "CyclePlanned",
            {
                "cycle_id": cycle,
                "name": cycle.upper(),
                "cadence": "quarterly",
                "starts_on": starts,
                "ends_on": ends,
            },
        )


async def test_history_distribution_and_unit_filter_from_finalised_reviews(service, issuer):
    client, feed, projector = service
    await directory(feed)
    o1, o2, o3 = (str(uuid.uuid4()) for _ in range(3))
    # ana's aspirational q1 objective and committed q2 objective; ops owns a q2 objective
    await feed("ObjectiveCreated", created(o1, owner_id="ana", org_unit_id="sales"))
    await feed(
        "ObjectiveCreated",
        created(o3, owner_type="org_unit", owner_id="ops", org_unit_id="ops", cycle_id="q2"),
    )
    events = [
        ("ReviewFinalised", final(o1, 1.0, "aspirational", "q1"), review_meta(4)),
        ("ReviewFinalised", final(o2, 0.6, "committed", "q2"), review_meta(4)),
        ("KeyResultScored", scored(o2, "k1", "correction", 0.5, 0.5, RED, "q2"), review_meta(5)),
        ("ReviewFinalised", final(o3, 0.8, "committed", "q2"), review_meta(3)),
    ]
    assert [await projector.project(*e) for e in events] == [True, True, True, True]
    # o2's review was final before the objective arrived: it gets its owner on arrival
    await feed("ObjectiveCreated", created(o2, owner_id="ana", org_unit_id="sales", cycle_id="q2"))
    assert [await projector.project(*e) for e in events] == [False] * 4

    mine = await client.get("/v1/people/ana/ambition", headers=auth(issuer, "ana"))
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert [(c["cycle_id"], c["name"], c["mean_score"]) for c in body["cycles"]] == [
        ("q1", "Q1", 1.0),
        ("q2", "Q2", 0.5),
    ]
    assert body["overall"]["aspirational"]["perfect_share"] == 1.0
    assert body["overall"]["committed"] == {"count": 1, "missed": 1, "missed_share": 1.0}
    assert (
        await client.get("/v1/people/mia/ambition", headers=auth(issuer, "ana"))
    ).status_code == 403

    company = await client.get(
        "/v1/org-units/company/ambition", headers=auth(issuer, "boss", "admin")
    )
    assert company.json()["overall"]["count"] == 3
    assert company.json()["org_unit_ids"] == ["company", "ops", "sales"]
    sales = await client.get("/v1/org-units/sales/ambition", headers=auth(issuer, "mia", "leader"))
    assert sales.status_code == 200 and sales.json()["overall"]["count"] == 2
    assert (
        await client.get("/v1/org-units/x/ambition", headers=auth(issuer, "mia"))
    ).status_code == 404

    admin = auth(issuer, "boss", "admin")
    spread = (await client.get("/v1/cycles/q2/score-distribution", headers=admin)).json()
    assert spread["overall"]["count"] == 2 and spread["overall"]["mean"] == 0.65
    assert set(spread["by_org_unit"]) == {"ops", "sales"}
    assert spread["by_manager"]["mia"]["count"] == 1
    grading = await client.get("/v1/cycles/q2/grading?org_unit_id=ops", headers=admin)
    assert [o["objective_id"] for o in grading.json()["objectives"]] == [o3]
    missing = await client.get("/v1/cycles/q2/grading?org_unit_id=nowhere", headers=admin)
    assert missing.status_code == 404
