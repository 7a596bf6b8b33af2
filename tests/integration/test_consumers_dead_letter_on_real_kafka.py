"""Both services' consumers on the real Kafka: a record declared JSON whose body is not JSON is
dead-lettered once with its reason, and the good event behind it on its partition is applied."""

import asyncio
import uuid

import pytest

from okr_checkins.bootstrap import bootstrap as checkins_bootstrap
from okr_checkins.settings import CheckinsSettings
from okr_projections.bootstrap import bootstrap as projections_bootstrap
from okr_projections.settings import ProjectionsSettings
from okr_shared.messaging import GOALS_TOPIC, dead_letter_topic
from okr_shared.settings import KafkaSettings
from tests.conftest import postgres_env
from tests.support.kafka_records import cycle_planned, poisoned, produce, records_on
from tests.support.waiting import until_nothing_missing


def namespaced(infra) -> KafkaSettings:
    return KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"dlq-{uuid.uuid4().hex[:8]}"
    )


async def until_projected(read, seconds=30.0):
    """Polls the async `read()` until it returns a document; fails after `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await read():
        assert loop.time() < deadline, f"not projected within {seconds}s"
        await asyncio.sleep(0.1)


async def assert_one_dead_letter(infra, kafka, group, poison_key):
    """Exactly one record on the group's dead-letter topic: the poison, with why and whence."""
    dead = await records_on(infra.kafka_bootstrap, kafka.topic(dead_letter_topic(group)))
    assert [r.key for r in dead] == [poison_key]
    headers = {k: v.decode() for k, v in dead[0].headers}
    assert "data is not JSON" in headers["dlq_reason"]
    assert headers["content-type"] == "application/json"
    assert (
        headers["dlq_source_topic"] == kafka.topic(GOALS_TOPIC)
        and headers["dlq_consumer_group"] == group
    )
    assert dead[0].value == b"\x00not json"


async def test_the_check_in_services_goal_consumer_dead_letters_a_non_json_body_and_moves_on(
    infra, postgres_db
):
    kafka, tenant, cycle = (
        namespaced(infra),
        f"t-{uuid.uuid4().hex[:8]}",
        f"c-{uuid.uuid4().hex[:6]}",
    )
    env = postgres_env(infra, postgres_db, "CHECKINS")
    settings = CheckinsSettings(
        kafka=kafka, event_store=env, consumer_group=f"okr-checkins-{uuid.uuid4().hex[:8]}"
    )
    container = checkins_bootstrap(settings)
    await container.start_consuming()
    try:
        good = cycle_planned(cycle, tenant)
        # Same key as the good event: the poison sits in front of it on the same partition.
        await produce(infra.kafka_bootstrap, kafka.topic(GOALS_TOPIC), poisoned(good), good)
        await until_nothing_missing(
            lambda: []
            if container.knowledge.load(tenant, "cycle", cycle)[1]
            else [f"cycle {cycle}"]
        )
    finally:
        await container.broker.stop()
    await assert_one_dead_letter(infra, kafka, settings.consumer_group, good[0])


@pytest.fixture
async def projections(infra):
    settings = ProjectionsSettings(
        kafka=namespaced(infra),
        mongo_url=infra.mongo_url,
        database=f"okr_test_{uuid.uuid4().hex[:10]}",
        consumer_group=f"okr-projections-{uuid.uuid4().hex[:8]}",
    )
    container = projections_bootstrap(settings)
    await container.ensure_indexes()
    yield container
    await container.mongo.drop_database(settings.database)
    await container.mongo.close()


async def test_the_projections_consumer_dead_letters_a_non_json_body_and_moves_on(
    infra, projections
):
    kafka, tenant, cycle = (
        projections.settings.kafka,
        f"t-{uuid.uuid4().hex[:8]}",
        f"c-{uuid.uuid4().hex[:6]}",
    )
    await projections.start_consuming()
    try:
        good = cycle_planned(cycle, tenant)
        await produce(infra.kafka_bootstrap, kafka.topic(GOALS_TOPIC), poisoned(good), good)
        await until_projected(lambda: projections.projector.read_models.cycles.get(tenant, cycle))
    finally:
        await projections.broker.stop()
    await assert_one_dead_letter(infra, kafka, projections.settings.consumer_group, good[0])
