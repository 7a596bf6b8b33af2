"""The review service on the real Kafka and PostgreSQL: a goal service's cycle enters grading,
the review service learns it (and the key result's check-ins from `okr.checkins.v1`), opens the
objective's review with the suggestion from the value effective at the cycle's end as known when
grading opened, the owner self-scores, the manager overrides, the admin finalises, and
`ReviewFinalised` is on `okr.reviews.v1`."""

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from okr_goals.settings import GoalsSettings
from okr_reviews.bootstrap import bootstrap as reviews_bootstrap
from okr_reviews.http import create_http_app
from okr_reviews.settings import ReviewsSettings
from okr_shared.cloudevents import from_kafka, to_kafka
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, REVIEWS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.conftest import postgres_env
from tests.support.kafka_records import produce, records_on
from tests.support.org import CYCLE, caller, seed
from tests.support.relaying import relay_all
from tests.support.reviews import check_in_event


@pytest.fixture
def reviews_db(new_database):
    return new_database()


async def until(probe, seconds=30.0):
    """Polls the blocking `probe()` in a worker thread until it returns something true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        try:
            found = await asyncio.to_thread(probe)
        except Exception:
            found = None
        if found:
            return found
        assert loop.time() < deadline, "the review service did not learn it in time"
        await asyncio.sleep(0.1)


async def test_a_cycle_is_graded_and_finalised_through_kafka(
    infra, postgres_db, reviews_db, issuer
):
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"rev-{uuid.uuid4().hex[:8]}"
    )
    goals_topic, checkins_topic = kafka.topic(GOALS_TOPIC), kafka.topic(CHECKINS_TOPIC)
    await ensure_topics(kafka, [goals_topic, checkins_topic, kafka.topic(REVIEWS_TOPIC)])

    # A goal service on PostgreSQL: dev's objective with one key result, the cycle active.
    goals = goals_bootstrap(
        GoalsSettings(kafka=kafka, event_store=postgres_env(infra, postgres_db))
    )
    seed(goals.features, tenant)
    admin = caller("ceo", admin=True, tenant=tenant)
    objective = goals.features.objectives.create_objective(
        CreateObjective(
            "Faster checkout",
            "individual",
            "person",
            "dev",
            CYCLE,
            key_results=(NewKeyResult("Conversion", "increase_to", start=0.0, target=100.0),),
        ),
        caller("dev", tenant=tenant),
    ).objective
    objective_id, kr = str(objective.id), objective.key_results[0].key_result_id
    goals.features.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), admin)
    await relay_all(goals)

    # Check-ins in the okr.checkins.v1 contract: 40 on 10 March, then 70 on 30 March.
    def check_in(value, effective_at, sequence):
        event = check_in_event(
            tenant, objective_id, kr, value, effective_at, datetime.now(UTC), sequence
        )
        return to_kafka(event)

    await produce(
        infra.kafka_bootstrap,
        checkins_topic,
        check_in(40.0, "2026-03-10T09:00:00Z", 2),
        check_in(70.0, "2026-03-30T09:00:00Z", 3),
    )

    # The review service on its own PostgreSQL database learns from both topics.
    settings = ReviewsSettings(
        kafka=kafka,
        event_store=postgres_env(infra, reviews_db, "REVIEWS"),
        consumer_group=f"okr-reviews-{uuid.uuid4().hex[:8]}",
    )
    reviews = reviews_bootstrap(settings)
    await reviews.start_consuming()
    try:
        await until(lambda: len(reviews.handlers.knowledge.check_ins(tenant, kr)) == 2)

        # Grading opens; a check-in recorded afterwards (100 on 31 March) changes nothing.
        goals.features.cycles.advance_cycle(AdvanceCycle(CYCLE, "grading", "quarter over"), admin)
        await relay_all(goals)
        review = await until(
            lambda: reviews.handlers.reviews.reviews_of_cycle(caller("dev", tenant=tenant), CYCLE)
        )
        await produce(
            infra.kafka_bootstrap, checkins_topic, check_in(100.0, "2026-03-31T09:00:00Z", 4)
        )
        await until(lambda: len(reviews.handlers.knowledge.check_ins(tenant, kr)) == 3)
        (review,) = await asyncio.to_thread(
            reviews.handlers.reviews.reviews_of_cycle, caller("dev", tenant=tenant), CYCLE
        )
        assert review.key_results[kr]["value"] == 70.0
        assert review.key_results[kr]["suggested_score"] == 0.7
        review_id = str(review.id)

        # Over HTTP: the owner self-scores, the manager overrides, the admin finalises.
        transport = httpx.ASGITransport(app=create_http_app(reviews, background=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://reviews") as client:

            def auth(who, *roles):
                return {"Authorization": f"Bearer {issuer.issue(tenant, who, roles=roles)}"}

            path = f"/v1/reviews/{review_id}/key-results/{kr}"
            r = await client.post(
                f"{path}/self-score",
                json={"score": 0.7, "expected_version": 1},
                headers=auth("dev"),
            )
            assert r.status_code == 200, r.text
            r = await client.post(
                f"{path}/manager-score",
                json={"score": 0.8, "remark": "the redesign landed", "expected_version": 2},
                headers=auth("lead"),
            )
            assert r.status_code == 200 and r.json()["score"] == 0.8, r.text
            r = await client.post(
                f"/v1/cycles/{CYCLE}/review/finalise",
                json={"reason": "calibration done"},
                headers=auth("ceo", "admin"),
            )
            assert r.status_code == 200 and r.json()["items"][0]["finalised"], r.text

        # The relay publishes the review's events; ReviewFinalised is on okr.reviews.v1.
        await relay_all(reviews)
        published = [
            from_kafka({k: v.decode() for k, v in rec.headers}, rec.value)
            for rec in await records_on(infra.kafka_bootstrap, kafka.topic(REVIEWS_TOPIC))
        ]
        names = [e.schema_name for e in published if e.subject == review_id]
        assert names == ["ReviewOpened", "KeyResultScored", "KeyResultScored", "ReviewFinalised"]
        finalised = [e for e in published if e.subject == review_id][-1].data
        assert finalised["score"] == 0.8 and finalised["band"]["color"] == "green"
        assert finalised["key_results"][0]["score_kind"] == "manager"
        assert finalised["rule_version"] == 0 and finalised["commitment"] == "aspirational"
    finally:
        await reviews.broker.stop()
        reviews.knowledge.close()
