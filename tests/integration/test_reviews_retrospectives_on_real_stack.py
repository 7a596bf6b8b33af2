"""Retrospectives on the real Kafka and PostgreSQL: the review service learns a graded cycle and
an objective's rollover from `okr.goals.v1`, the owner writes the objective's retrospective with
a next step linked to the copy (its lineage shown), revises it over HTTP, and both events are
on `okr.reviews.v1` in their contracts."""

import uuid

import httpx
import pytest

from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from okr_goals.rollover.commands import RolloverCycle
from okr_goals.settings import GoalsSettings
from okr_reviews.bootstrap import bootstrap as reviews_bootstrap
from okr_reviews.http import create_http_app
from okr_reviews.settings import ReviewsSettings
from okr_shared.cloudevents import from_kafka
from okr_shared.contracts import default_registry
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, REVIEWS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.conftest import postgres_env
from tests.support.kafka_records import records_on
from tests.support.org import CYCLE, NEXT_CYCLE, caller, seed
from tests.support.relaying import relay_all
from tests.support.waiting import until_nothing_missing


@pytest.fixture
def reviews_db(new_database):
    return new_database()


async def test_a_retrospective_links_the_rolled_over_copy_and_is_published(
    infra, postgres_db, reviews_db, issuer
):
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"retro-{uuid.uuid4().hex[:8]}"
    )
    topics = [kafka.topic(t) for t in (GOALS_TOPIC, CHECKINS_TOPIC, REVIEWS_TOPIC)]
    await ensure_topics(kafka, topics)

    # A goal service on PostgreSQL: dev's objective, the cycle graded, the objective rolled over.
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
            key_results=(NewKeyResult("Launch", "milestone"),),
        ),
        caller("dev", tenant=tenant),
    ).objective
    objective_id = str(objective.id)
    for state in ("active", "grading"):
        goals.features.cycles.advance_cycle(AdvanceCycle(CYCLE, state, state), admin)
    report = goals.features.rollover.rollover(
        RolloverCycle(CYCLE, NEXT_CYCLE, objective_ids=(objective_id,)), admin
    )
    copy_id = report.copies[objective_id]
    await relay_all(goals)

    # The review service on its own PostgreSQL database learns the rollover from Kafka.
    settings = ReviewsSettings(
        kafka=kafka,
        event_store=postgres_env(infra, reviews_db, "REVIEWS"),
        consumer_group=f"okr-reviews-{uuid.uuid4().hex[:8]}",
    )
    reviews = reviews_bootstrap(settings)
    await reviews.start_consuming()
    try:
        knowledge = reviews.handlers.knowledge

        def lineage_missing():
            source = knowledge.objective(tenant, objective_id) or {}
            copy = knowledge.objective(tenant, copy_id) or {}
            return [
                *([] if source.get("rolled_over_to") == copy_id else ["rolled_over_to"]),
                *([] if copy.get("rolled_over_from") == objective_id else ["rolled_over_from"]),
            ]

        await until_nothing_missing(lineage_missing)

        # Over HTTP: the owner writes the retrospective, the manager revises it.
        transport = httpx.ASGITransport(app=create_http_app(reviews, background=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://reviews") as client:

            def auth(who, *roles):
                return {"Authorization": f"Bearer {issuer.issue(tenant, who, roles=roles)}"}

            step = {"text": "finish the launch", "objective_id": copy_id}
            body = {
                "cycle_id": CYCLE,
                "objective_id": objective_id,
                "content": {"did_not_work": ["late scoping"], "next_steps": [step]},
                "sharing": "team",
            }
            r = await client.post("/v1/retrospectives", json=body, headers=auth("dev"))
            assert r.status_code == 201, r.text
            assert r.json()["content"]["next_steps"][0]["rolled_over_from"] == objective_id
            retrospective_id = r.json()["retrospective_id"]
            revision = {**body, "sharing": "shared", "expected_version": 1}
            del revision["cycle_id"], revision["objective_id"]
            r = await client.put(
                f"/v1/retrospectives/{retrospective_id}", json=revision, headers=auth("lead")
            )
            assert r.status_code == 200 and r.json()["version"] == 2, r.text
            r = await client.get(f"/v1/retrospectives/{retrospective_id}", headers=auth("rep"))
            assert r.status_code == 200 and len(r.json()["history"]) == 1, r.text

        # The relay publishes both events in their contracts.
        await relay_all(reviews)
        published = [
            from_kafka({k: v.decode() for k, v in rec.headers}, rec.value)
            for rec in await records_on(infra.kafka_bootstrap, kafka.topic(REVIEWS_TOPIC))
        ]
        mine = [e for e in published if e.subject == retrospective_id]
        assert [e.schema_name for e in mine] == ["RetrospectiveWritten", "RetrospectiveRevised"]
        for event in mine:
            default_registry().validate("reviews", event.schema_name, 1, event.data)
        assert mine[1].data["sharing"] == "shared" and mine[1].data["next_steps"] == [step]
    finally:
        await reviews.broker.stop()
        reviews.knowledge.close()
