"""The incentive service on the real Kafka and PostgreSQL: it learns the small organisation from
`okr.goals.v1` and its finalised reviews from `okr.reviews.v1`; an admin sets a policy and binds
it; the awards are the hand-computed ones, `AwardGranted` reaches `okr.incentives.v1`; a
correction (published twice) compensates once; the service's events replayed into a fresh
PostgreSQL store give the same balances."""

import asyncio
import uuid

import httpx
import pytest

from okr_incentives.bootstrap import bootstrap, build_handlers
from okr_incentives.http import create_http_app
from okr_incentives.settings import IncentivesSettings
from okr_incentives.store import IncentivesStore
from okr_shared.cloudevents import from_kafka, to_kafka
from okr_shared.messaging import GOALS_TOPIC, INCENTIVES_TOPIC, REVIEWS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.support.incentives import (
    CYCLE,
    FINAL_SCORES,
    POLICY,
    Feed,
    caller,
    directory_events,
    review_events,
)
from tests.support.kafka_records import produce, records_on
from tests.support.relaying import relay_all

PEOPLE = ("vps", "rep", "gone", "lead", "dev", "new")


def incentives_env(infra, dbname):
    return {
        "INCENTIVES_PERSISTENCE_MODULE": "eventsourcing.postgres",
        "INCENTIVES_POSTGRES_HOST": infra.pg_host,
        "INCENTIVES_POSTGRES_PORT": str(infra.pg_port),
        "INCENTIVES_POSTGRES_USER": infra.pg_user,
        "INCENTIVES_POSTGRES_PASSWORD": infra.pg_password,
        "INCENTIVES_POSTGRES_DBNAME": dbname,
    }


@pytest.fixture
def databases(new_database):
    """Two fresh databases: the service's, and the one its events are replayed into."""
    return [new_database(), new_database()]


async def until(probe, seconds=30.0):
    """Polls the blocking `probe()` in a worker thread until it returns something true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        found = await asyncio.to_thread(probe)
        if found:
            return found
        assert loop.time() < deadline, "the incentive service did not learn it in time"
        await asyncio.sleep(0.1)


async def test_finalised_reviews_on_kafka_become_awards_on_okr_incentives(infra, databases, issuer):
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"inc-{uuid.uuid4().hex[:8]}"
    )
    goals_topic, reviews_topic = kafka.topic(GOALS_TOPIC), kafka.topic(REVIEWS_TOPIC)
    await ensure_topics(kafka, [goals_topic, reviews_topic, kafka.topic(INCENTIVES_TOPIC)])
    feed = Feed(tenant)

    # The directory, the cycle and the objectives on okr.goals.v1; every review finalised on
    # okr.reviews.v1 (each ReviewOpened, which the service ignores, before its ReviewFinalised).
    await produce(infra.kafka_bootstrap, goals_topic, *map(to_kafka, directory_events(feed)))
    finals = {}
    for name in FINAL_SCORES:
        opened, finals[name] = review_events(feed, name)
        await produce(
            infra.kafka_bootstrap, reviews_topic, to_kafka(opened), to_kafka(finals[name])
        )

    # The incentive service on its own PostgreSQL database learns from both topics.
    settings = IncentivesSettings(
        kafka=kafka,
        event_store=incentives_env(infra, databases[0]),
        consumer_group=f"okr-incentives-{uuid.uuid4().hex[:8]}",
    )
    service = bootstrap(settings)
    knowledge = service.handlers.knowledge
    await service.start_consuming()
    try:
        await until(lambda: len(knowledge.finalised_reviews(tenant, CYCLE)) == len(FINAL_SCORES))
        await until(lambda: not knowledge.unfinalised(tenant, CYCLE))

        # Over HTTP: the admin sets the policy and binds it to the finalised cycle.
        transport = httpx.ASGITransport(app=create_http_app(service, background=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://incentives") as client:
            admin = {"Authorization": f"Bearer {issuer.issue(tenant, 'ceo', roles=['admin'])}"}
            r = await client.put("/v1/policies/bonus", json=POLICY, headers=admin)
            assert r.status_code == 200, r.text
            r = await client.post(
                f"/v1/cycles/{CYCLE}/policy",
                json={"policy_id": "bonus", "policy_version": 1, "reason": "Q1 bonus"},
                headers=admin,
            )
            assert r.status_code == 200, r.text
            assert (r.json()["awards"], r.json()["points"]) == (4, 390)

        # The awards computed by hand (see tests.support.incentives): vps 180, rep 0, lead 135,
        # dev 75; gone and new are not eligible.
        def balances():
            ledger = service.handlers.awards.ledger
            return {p: ledger(caller("ceo", "admin", tenant=tenant), p) for p in PEOPLE}

        got = await asyncio.to_thread(balances)
        assert {p: got[p]["balance"]["points"] for p in PEOPLE} == {
            "vps": 180,
            "rep": 0,
            "gone": 0,
            "lead": 135,
            "dev": 75,
            "new": 0,
        }

        # An admin's correction of dev's team objective, published twice: one compensation.
        correction = feed.scored("dev-latency", 0.8)
        await produce(
            infra.kafka_bootstrap, reviews_topic, to_kafka(correction), to_kafka(correction)
        )
        await until(lambda: balances()["dev"]["balance"]["points"] == 135)
        await until(service.freshness.is_current)

        # Everything stored is published on okr.incentives.v1.
        await relay_all(service)
        published = [
            from_kafka({k: v.decode() for k, v in rec.headers}, rec.value)
            for rec in await records_on(infra.kafka_bootstrap, kafka.topic(INCENTIVES_TOPIC))
        ]
        names = [e.schema_name for e in published if e.tenantid == tenant]
        # The policy (subject: its id) and the cycle's awards (subject: the cycle) may sit on
        # different partitions: order holds within a subject only.
        assert names.count("RewardPolicySet") == 1
        assert [n for n in names if n != "RewardPolicySet"] == [
            "PolicyBoundToCycle",
            *["AwardGranted"] * 4,
            "AwardAdjusted",
        ]
        granted = {
            e.data["person_id"]: e.data for e in published if e.schema_name == "AwardGranted"
        }
        assert {e["event_id"] for e in granted["dev"]["evidence"]} == {
            finals["dev-checkout"].id,
            finals["dev-latency"].id,
        }
        (adjusted,) = [e.data for e in published if e.schema_name == "AwardAdjusted"]
        assert (adjusted["person_id"], adjusted["points"]) == ("dev", 60)
        assert adjusted["source_event_id"] == correction.id

        # Replaying the service's events into a fresh store gives the same balances.
        before = await asyncio.to_thread(balances)
        events = [
            service.store.mapper.to_domain_event(n)
            for n in service.store.recorder.select_notifications(0, 10_000)
        ]
        fresh = IncentivesStore(env=incentives_env(infra, databases[1]))
        await asyncio.to_thread(fresh.save, *events)
        replayed = build_handlers(fresh, service.knowledge)
        after = await asyncio.to_thread(
            lambda: {
                p: replayed.awards.ledger(caller("ceo", "admin", tenant=tenant), p) for p in PEOPLE
            }
        )
        assert after == before
    finally:
        await service.broker.stop()
        service.knowledge.close()
