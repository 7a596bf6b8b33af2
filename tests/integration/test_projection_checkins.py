"""Check-ins on the real document store (FerretDB here, MongoDB 7 in production): idempotence,
corrections moving progress and rollups, check-ins before their objective, check-ins due over
HTTP, and both topics on real Kafka."""

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pymongo import MongoClient

from okr_projections.bootstrap import bootstrap
from okr_projections.check_in_state import check_in_state
from okr_projections.http import create_http_app
from okr_projections.objectives.domain import apply_event, with_check_ins
from okr_projections.objectives.store import CHECK_IN_REV, DERIVED
from okr_projections.settings import ProjectionsSettings
from okr_projections.store import fold_into
from okr_shared.cloudevents import CloudEvent, schema_urn
from okr_shared.contracts import default_registry
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, CloudEventPublisher
from okr_shared.settings import KafkaSettings
from tests.support.check_in_events import WEEK1, WEEK2, recorded, reminder
from tests.support.goal_events import created, kr, meta
from tests.support.projection_feed import Feed, without_projection_time

T0 = datetime(2026, 1, 9, 12, tzinfo=UTC)


class CheckInFeed:
    """Delivers check-in service events as the consumer would: per key result, versions from 2,
    time moving on."""

    def __init__(self, projector):
        self.projector = projector
        self.versions = {}
        self.log = []

    async def __call__(self, event_type, data, tenant="acme"):
        key = (tenant, data["key_result_id"])
        self.versions[key] = self.versions.get(key, 1) + 1
        meta = {
            "tenant_id": tenant,
            "actor_id": data.get("owner_id", "ana"),
            "version": self.versions[key],
            "event_id": f"{key}-{self.versions[key]}",
            "time": T0 + timedelta(hours=len(self.log)),
        }
        self.log.append((event_type, data, meta))
        return await self.projector.project(event_type, data, meta)

    async def again(self, index=-1):
        return await self.projector.project(*self.log[index])


@pytest.fixture
async def container(infra):
    settings = ProjectionsSettings(
        kafka=KafkaSettings(
            bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"proj-{uuid.uuid4().hex[:8]}"
        ),
        mongo_url=infra.mongo_url,
        database=f"okr_test_{uuid.uuid4().hex[:10]}",
        consumer_group=f"okr-projections-{uuid.uuid4().hex[:8]}",
    )
    container = bootstrap(settings)
    await container.ensure_indexes()
    yield container
    await container.mongo.drop_database(settings.database)
    await container.mongo.close()


@pytest.fixture
def feeds(container):
    return Feed(container.projector), CheckInFeed(container.projector)


def oid():
    return str(uuid.uuid4())


def check_in(objective_id, key_result_id, check_in_id=None, **fields):
    return recorded(
        check_in_id or oid(), objective_id=objective_id, key_result_id=key_result_id, **fields
    )


async def documents(container, *objective_ids, key_result_id):
    """Everything a check-in can touch, without the projection timestamps."""
    projector, db = container.projector, container.mongo[container.settings.database]
    docs = [await projector.read_models.objectives.get("acme", o) for o in objective_ids]
    docs += [await projector.read_models.check_ins.get("acme", key_result_id)]
    docs += [d async for d in db["objective_links"].find({})] + [
        d async for d in db["check_ins_due"].find({})
    ]
    return [without_projection_time(d) for d in docs]


async def key_result(container, objective_id, key_result_id):
    doc = await container.projector.read_models.objectives.get("acme", objective_id)
    return next(k for k in doc["key_results"] if k["key_result_id"] == key_result_id), doc


async def rollup(container, objective_id):
    return (await container.projector.read_models.objectives.get("acme", objective_id))[
        "rollup_progress"
    ]


async def test_a_duplicated_check_in_changes_nothing(container, feeds):
    goals, check_ins = feeds
    parent, child, k1 = oid(), oid(), oid()
    await goals("ObjectiveCreated", created(parent, key_results=[]))
    await goals(
        "ObjectiveCreated", created(child, key_results=[kr(k1)], alignments=[(parent, 1.0)])
    )
    await check_ins("CheckInDue", reminder(WEEK1) | {"objective_id": child, "key_result_id": k1})
    assert await check_ins("CheckInRecorded", check_in(child, k1, value=45.0))
    before = await documents(container, parent, child, key_result_id=k1)
    assert not await check_ins.again()
    assert not await check_ins.again(0)
    assert await documents(container, parent, child, key_result_id=k1) == before
    assert before[1]["key_results"][0]["current"] == 45.0 and before[1]["check_in_rev"] == 1
    assert before[0]["rollup_progress"] == pytest.approx(0.5) and before[-1]["status"] == "done"


async def test_a_correction_moves_the_key_result_the_objective_and_the_rollup_of_its_parents(
    container, feeds
):
    goals, check_ins = feeds
    company, team, k1, k2 = oid(), oid(), oid(), oid()
    await goals("ObjectiveCreated", created(company, key_results=[]))
    await goals(
        "ObjectiveCreated",
        created(
            team,
            key_results=[
                kr(k1, start=30.0, target=60.0, weight=0.5),
                kr(k2, start=0.0, target=10.0, weight=0.5),
            ],
            alignments=[(company, 1.0)],
        ),
    )
    first = oid()
    await check_ins("CheckInRecorded", check_in(team, k1, first, value=60.0, confidence=9))
    k, doc = await key_result(container, team, k1)
    assert (k["progress"], doc["progress"], await rollup(container, company)) == (1.0, 0.5, 0.5)

    await check_ins(
        "CheckInCorrected",
        check_in(team, k1, corrects_check_in_id=first, reason="typo", value=36.0, confidence=4),
    )
    k, doc = await key_result(container, team, k1)
    assert (k["current"], k["confidence_band"], k["confidence_trend"]) == (
        36.0,
        "at_risk",
        "steady",
    )
    assert k["progress"] == pytest.approx(0.2) and doc["progress"] == pytest.approx(0.1)
    assert doc["rollup_progress"] == pytest.approx(0.1) and await rollup(
        container, company
    ) == pytest.approx(0.1)


async def test_a_check_in_that_arrives_before_its_objective_is_applied_once_the_objective_arrives(
    container, feeds
):
    goals, check_ins = feeds
    company, team, k1, k2 = oid(), oid(), oid(), oid()
    await check_ins("CheckInRecorded", check_in(team, k1, value=60.0, confidence=8))
    await check_ins("CheckInRecorded", check_in(team, k2, value=True))
    assert await container.projector.read_models.objectives.get("acme", team) is None
    await goals("ObjectiveCreated", created(company, key_results=[]))
    await goals(
        "ObjectiveCreated",
        created(team, key_results=[kr(k1, start=30.0, target=60.0)], alignments=[(company, 1.0)]),
    )
    k, doc = await key_result(container, team, k1)
    assert (k["current"], k["checked_in"], k["confidence"], doc["progress"]) == (60.0, True, 8, 1.0)
    assert await rollup(container, company) == 1.0

    await goals(
        "KeyResultAdded",
        {
            "objective_id": team,
            "key_result": kr(k2, kind="milestone", start=None, target=None),
            "reason": None,
            "correction": False,
        },
    )
    k, doc = await key_result(container, team, k2)
    assert (k["current"], k["progress"], doc["progress"]) == (True, 1.0, 1.0)


async def test_a_check_in_of_another_tenant_never_moves_an_objective(container, feeds):
    goals, check_ins = feeds
    team, k1 = oid(), oid()
    await goals("ObjectiveCreated", created(team, key_results=[kr(k1)]))
    await check_ins("CheckInRecorded", check_in(team, k1, value=60.0), tenant="globex")
    k, doc = await key_result(container, team, k1)
    assert (k["checked_in"], doc["progress"]) == (False, 0.0)
    assert await container.projector.read_models.check_ins.get("acme", k1) is None


async def test_revising_a_target_after_a_check_in_recomputes_progress_from_the_checked_in_value(
    container, feeds
):
    goals, check_ins = feeds
    team, k1 = oid(), oid()
    await goals("ObjectiveCreated", created(team, key_results=[kr(k1, start=30.0, target=60.0)]))
    await check_ins("CheckInRecorded", check_in(team, k1, value=45.0))
    await goals(
        "KeyResultRevised",
        {
            "objective_id": team,
            "key_result_id": k1,
            "changes": {"target": 90.0},
            "previous": {"target": 60.0},
            "reason": "bar",
            "correction": False,
        },
    )
    k, doc = await key_result(container, team, k1)
    assert (k["current"], k["checked_in"], doc["version"]) == (45.0, True, 2)
    assert k["progress"] == pytest.approx(0.25) and doc["progress"] == pytest.approx(0.25)


async def test_a_goal_event_folded_while_a_check_in_moves_the_objective_keeps_the_check_in(
    infra, container, feeds
):
    goals, _ = feeds
    team, k1 = oid(), oid()
    await goals("ObjectiveCreated", created(team, key_results=[kr(k1, start=30.0, target=60.0)]))
    moved = with_check_ins(
        await container.projector.read_models.objectives.get("acme", team),
        {
            k1: check_in_state(
                [
                    {
                        "check_in_id": "c1",
                        "value": 45.0,
                        "confidence": 7,
                        "effective_at": T0,
                        "recorded_at": T0,
                    }
                ]
            )
        },
    )
    revise = {
        "objective_id": team,
        "key_result_id": k1,
        "changes": {"target": 90.0},
        "previous": {"target": 60.0},
        "reason": "bar",
        "correction": False,
    }
    folds = []

    def fold_racing_a_check_in(current):
        if not folds:
            with MongoClient(infra.mongo_url) as sync:
                sync[container.settings.database]["objective_progress"].update_one(
                    {"_id": team},
                    {"$set": {"key_results": moved["key_results"]}, "$inc": {"check_in_rev": 1}},
                )
        folds.append(current)
        return apply_event(current, "KeyResultRevised", revise, {**meta(2), "tenant_id": "acme"})

    collection = container.mongo[container.settings.database]["objective_progress"]
    assert (
        await fold_into(
            collection, team, "acme", 2, fold_racing_a_check_in, DERIVED, guarded=(CHECK_IN_REV,)
        )
    ).applied
    k, doc = await key_result(container, team, k1)
    assert len(folds) == 2 and (
        k["current"],
        k["checked_in"],
        k["target"],
        doc["check_in_rev"],
    ) == (45.0, True, 90.0, 1)


def auth(issuer, actor_id, *roles):
    return {"Authorization": f"Bearer {issuer.issue('acme', actor_id, roles)}"}


async def test_check_ins_due_are_listed_oldest_first_until_done_for_the_owner_their_managers_and_admins(  # noqa: E501
    container, feeds, issuer
):
    goals, check_ins = feeds
    for person_id, manager_id in (("boss", None), ("ana", "boss"), ("bob", "boss")):
        await goals(
            "PersonJoined",
            {
                "person_id": person_id,
                "name": person_id,
                "email": f"{person_id}@x",
                "manager_id": manager_id,
                "org_unit_id": None,
                "locale": "en",
            },
        )
    team, k1 = oid(), oid()
    await goals("ObjectiveCreated", created(team, owner_id="ana", key_results=[kr(k1)]))
    ids = {"objective_id": team, "key_result_id": k1}
    await check_ins("CheckInDue", reminder(WEEK1) | ids)
    await check_ins("CheckInOverdue", reminder(WEEK1) | ids)
    await check_ins("CheckInDue", reminder(WEEK2) | ids)

    transport = httpx.ASGITransport(app=create_http_app(container, consume=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://projections") as client:

        async def due(reader, *roles):
            return await client.get(
                "/v1/people/ana/check-ins-due", headers=auth(issuer, reader, *roles)
            )

        for reader, roles in (("ana", ()), ("boss", ()), ("root", ("admin",))):
            items = (await due(reader, *roles)).json()["items"]
            assert [(i["period_start"], i["status"]) for i in items] == [
                ("2026-01-05T00:00:00+00:00", "overdue"),
                ("2026-01-12T00:00:00+00:00", "due"),
            ]
        assert (
            items[0]["owner_id"] == "ana"
            and items[0]["objective_id"] == team
            and "_id" not in items[0]
        )
        assert (await due("bob")).status_code == 403

        await check_ins(
            "CheckInRecorded", check_in(team, k1, effective_at="2026-01-11T08:00:00+00:00")
        )
        items = (await due("ana")).json()["items"]
        assert [i["period_start"] for i in items] == ["2026-01-12T00:00:00+00:00"]
        body = (
            await client.get(f"/v1/objectives/{team}/progress", headers=auth(issuer, "bob"))
        ).json()
        assert body["key_results"][0]["last_check_in_at"] == "2026-01-11T08:00:00+00:00"


def cloud_event(context, name, subject, data, sequence, tenant):
    return CloudEvent(
        id=oid(),
        source=f"/okr/{context}",
        type=f"okr.{context}.{name}",
        subject=subject,
        time=datetime.now(UTC),
        dataschema=schema_urn(context, name, default_registry().latest_version(context, name)),
        data=data,
        tenantid=tenant,
        actorid="ana",
        correlationid="c",
        causationid="c",
        sequence=sequence,
    )


async def test_both_topics_are_consumed_in_one_group_and_a_check_in_published_first_lands_on_its_objective(  # noqa: E501
    container,
):
    kafka, tenant = container.settings.kafka, f"t-{uuid.uuid4().hex[:8]}"
    team, k1 = oid(), oid()
    await container.start_consuming()
    publisher = CloudEventPublisher(kafka, "test-projections")
    await publisher.start()
    try:
        await publisher.publish(
            kafka.topic(CHECKINS_TOPIC),
            [
                cloud_event(
                    "checkins", "CheckInRecorded", k1, check_in(team, k1, value=60.0), 2, tenant
                )
            ],
        )
        await publisher.publish(
            kafka.topic(GOALS_TOPIC),
            [
                cloud_event(
                    "goals",
                    "ObjectiveCreated",
                    team,
                    created(team, key_results=[kr(k1)]),
                    1,
                    tenant,
                )
            ],
        )
        for _ in range(300):
            doc = await container.projector.read_models.objectives.get(tenant, team)
            if doc is not None and doc["key_results"][0]["checked_in"]:
                break
            await asyncio.sleep(0.1)
        assert doc["key_results"][0]["current"] == 60.0 and doc["progress"] == 1.0
    finally:
        await publisher.stop()
        await container.broker.stop()
