"""Recognition on the real Kafka, PostgreSQL and document store: the incentive service learns
goals from `okr.goals.v1` and eight on-time weekly check-ins from `okr.checkins.v1` (delivered
twice) and awards one streak badge; kudos and an approved nomination are given over HTTP, and
refusals store nothing; everything reaches `okr.incentives.v1` once; the projections consume
both topics and serve the person's recognition and the team's wall, visibility-aware."""

import asyncio
import uuid

import httpx
import pytest
from pymongo import AsyncMongoClient

from okr_incentives.bootstrap import bootstrap
from okr_incentives.http import create_http_app
from okr_incentives.settings import IncentivesSettings
from okr_projections.bootstrap import bootstrap as projections_bootstrap
from okr_projections.http import create_http_app as projections_app
from okr_projections.settings import ProjectionsSettings
from okr_shared.cloudevents import from_kafka, to_kafka
from okr_shared.messaging import (
    CHECKINS_TOPIC,
    GOALS_TOPIC,
    INCENTIVES_TOPIC,
    REVIEWS_TOPIC,
    ensure_topics,
)
from okr_shared.settings import KafkaSettings
from tests.support.incentives import (
    CYCLE,
    FIRST_WEEK,
    GOALS,
    WEEK,
    RecognitionFeed,
    caller,
    directory_events,
    oid,
)
from tests.support.kafka_records import produce, records_on
from tests.support.relaying import relay_all


@pytest.fixture
def database(new_database):
    return new_database()


def incentives_env(infra, dbname):
    return {
        "INCENTIVES_PERSISTENCE_MODULE": "eventsourcing.postgres",
        "INCENTIVES_POSTGRES_HOST": infra.pg_host,
        "INCENTIVES_POSTGRES_PORT": str(infra.pg_port),
        "INCENTIVES_POSTGRES_USER": infra.pg_user,
        "INCENTIVES_POSTGRES_PASSWORD": infra.pg_password,
        "INCENTIVES_POSTGRES_DBNAME": dbname,
    }


async def until(probe, seconds=30.0):
    """Polls the blocking `probe()` in a worker thread until it returns something true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        found = await asyncio.to_thread(probe)
        if found:
            return found
        assert loop.time() < deadline, "not learned in time"
        await asyncio.sleep(0.1)


async def until_served(ask, seconds=30.0):
    """Awaits `ask()` until it answers something true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not (found := await ask()):
        assert loop.time() < deadline, "the projections did not serve it in time"
        await asyncio.sleep(0.1)
    return found


async def test_recognition_end_to_end_on_the_real_stack(infra, database, issuer):
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"rec-{uuid.uuid4().hex[:8]}"
    )
    topics = {t: kafka.topic(t) for t in (GOALS_TOPIC, CHECKINS_TOPIC, REVIEWS_TOPIC)}
    incentives_topic = kafka.topic(INCENTIVES_TOPIC)
    await ensure_topics(kafka, [*topics.values(), incentives_topic])
    feed = RecognitionFeed(tenant)
    goals = [*directory_events(feed), *(feed.goal(*goal) for goal in GOALS)]
    await produce(infra.kafka_bootstrap, topics[GOALS_TOPIC], *map(to_kafka, goals))
    weeks = []
    for week in range(8):
        start = FIRST_WEEK + week * WEEK
        weeks.append(feed.due("site-speed", "site", "dev", start))
        weeks.append(feed.check_in("site-speed", "site", start + WEEK / 7))
    check_ins = [*map(to_kafka, weeks), *map(to_kafka, weeks[-4:])]
    await produce(infra.kafka_bootstrap, topics[CHECKINS_TOPIC], *check_ins)

    settings = IncentivesSettings(
        kafka=kafka,
        event_store=incentives_env(infra, database),
        consumer_group=f"okr-incentives-{uuid.uuid4().hex[:8]}",
    )
    service = bootstrap(settings)
    recognition = service.handlers.recognition
    await service.start_consuming()
    try:

        def badges():
            return recognition.recognition_of(caller("dev", tenant=tenant), "dev")["badges"]

        (badge,) = await until(badges)
        assert (badge["periods"], badge["streak_start"]) == (8, FIRST_WEEK.isoformat())
        await until(service.freshness.is_current)

        transport = httpx.ASGITransport(app=create_http_app(service, background=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://incentives") as client:

            def as_person(who, *roles):
                return {"Authorization": f"Bearer {issuer.issue(tenant, who, roles=roles)}"}

            body = {"objective_id": oid("site"), "message": "Fast pages", "points": 4}
            r = await client.post("/v1/kudos", json=body, headers=as_person("lead"))
            assert r.status_code == 201, r.text
            secret = {"objective_id": oid("dev-secret"), "message": "Quiet win"}
            r = await client.post("/v1/kudos", json=secret, headers=as_person("ceo"))
            assert r.status_code == 201, r.text
            stored = service.store.recorder.max_notification_id()
            for refused, who, pointer in [
                ({**body, "points": 7}, "lead", "#/points"),
                (body, "dev", "#/recipient_id"),
                (secret, "rep", "#/objective_id"),
            ]:
                r = await client.post("/v1/kudos", json=refused, headers=as_person(who))
                assert r.status_code == 422, r.text
                assert [e["pointer"] for e in r.json()["errors"]] == [pointer]
            assert service.store.recorder.max_notification_id() == stored
            nomination = {
                "cycle_id": CYCLE,
                "nominee_type": "person",
                "nominee_id": "dev",
                "honour": "Engineer of the quarter",
                "citation": "Fast checkout",
            }
            r = await client.post("/v1/nominations", json=nomination, headers=as_person("lead"))
            assert r.status_code == 201, r.text
            nid = r.json()["nomination_id"]
            r = await client.post(
                f"/v1/nominations/{nid}/approve",
                json={"reason": "well deserved"},
                headers=as_person("ceo", "leader"),
            )
            assert r.status_code == 200 and r.json()["state"] == "approved", r.text

        await relay_all(service)
        published = [
            from_kafka({k: v.decode() for k, v in rec.headers}, rec.value)
            for rec in await records_on(infra.kafka_bootstrap, incentives_topic)
        ]
        ours = [e for e in published if e.tenantid == tenant]
        assert sorted(e.schema_name for e in ours) == [
            "BadgeAwarded",
            "HonourApproved",
            "HonourNominated",
            "KudosGiven",
            "KudosGiven",
        ]
        cycle_stream = [e.schema_name for e in ours if e.subject == CYCLE]
        assert cycle_stream == ["KudosGiven", "KudosGiven", "HonourNominated", "HonourApproved"]
    finally:
        await service.broker.stop()
        service.knowledge.close()

    # The projections consume the goals and the incentive events into the document store.
    db = f"okr_test_{uuid.uuid4().hex[:10]}"
    projections = projections_bootstrap(
        ProjectionsSettings(
            kafka=kafka,
            mongo_url=infra.mongo_url,
            database=db,
            consumer_group=f"okr-projections-{uuid.uuid4().hex[:8]}",
        )
    )
    await projections.ensure_indexes()
    await projections.start_consuming()
    try:
        transport = httpx.ASGITransport(app=projections_app(projections, consume=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://p") as client:

            def as_person(who, *roles):
                return {"Authorization": f"Bearer {issuer.issue(tenant, who, roles=roles)}"}

            async def person_seen(who):
                r = await client.get("/v1/people/dev/recognition", headers=as_person(who))
                return r.json() if r.status_code == 200 else None

            async def complete():
                seen = await person_seen("lead")
                done = seen and len(seen["kudos_received"]) == 2 and seen["honours"]
                return seen if done and seen["badges"] else None

            seen = await until_served(complete)
            assert [k["message"] for k in seen["kudos_received"]] == ["Quiet win", "Fast pages"]
            rep = await person_seen("rep")
            assert [k["message"] for k in rep["kudos_received"]] == ["Fast pages"]
            assert [h["honour"] for h in rep["honours"]] == ["Engineer of the quarter"]
            r = await client.get("/v1/org-units/web/recognition-wall", headers=as_person("rep"))
            assert r.status_code == 200, r.text
            assert [i["kind"] for i in r.json()["items"]] == ["honour", "kudos"]
            r = await client.get("/v1/org-units/web/recognition-wall", headers=as_person("lead"))
            assert r.json()["total"] == 3
    finally:
        await projections.broker.stop()
        mongo = AsyncMongoClient(infra.mongo_url)
        await mongo.drop_database(db)
        await mongo.close()
        await projections.mongo.close()
