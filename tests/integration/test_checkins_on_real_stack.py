"""The check-in service on PostgreSQL and Kafka: it learns goals from `okr.goals.v1`, and its due
and overdue reminders reach `okr.checkins.v1` exactly once per period across a restart."""

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaConsumer

from okr_checkins.bootstrap import bootstrap as checkins_bootstrap
from okr_checkins.settings import CheckinsSettings
from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from okr_goals.settings import GoalsSettings
from okr_shared.clock import FixedClock
from okr_shared.cloudevents import from_kafka
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.conftest import postgres_env
from tests.support.org import CYCLE, caller, seed
from tests.support.relaying import relay_all
from tests.support.waiting import until_nothing_missing

FEB = datetime(2026, 2, 16, 12, 0, tzinfo=UTC)


def checkins_env(infra, dbname):
    return postgres_env(infra, dbname, "CHECKINS")


@pytest.fixture
def databases(new_database):
    """Two databases: the goal service's and the check-in service's (they never share one)."""
    return new_database(), new_database()


async def publish_goals(kafka, infra, dbname, tenant):
    """A goal service in `tenant` with one active-cycle objective of two key results, relayed to
    Kafka."""
    goals = goals_bootstrap(GoalsSettings(kafka=kafka, event_store=postgres_env(infra, dbname)))
    seed(goals.features, tenant)
    admin = caller("ceo", admin=True, tenant=tenant)
    krs = (
        NewKeyResult("Checkout time", "decrease_to", owner_id="dev", start=90.0, target=30.0),
        NewKeyResult("Launch", "milestone"),
    )
    objective = goals.features.objectives.create_objective(
        CreateObjective("Checkout", "team", "org_unit", "web", CYCLE, key_results=krs), admin
    ).objective
    goals.features.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), admin)
    await ensure_topics(kafka, [kafka.topic(GOALS_TOPIC), kafka.topic(CHECKINS_TOPIC)])
    await relay_all(goals)
    return str(objective.id), [kr.key_result_id for kr in objective.key_results]


def facts_missing(knowledge, tenant, objective_id, key_result_ids):
    """What `send_reminders` reads that the check-in service has not learned yet."""
    missing = [
        f"key result {k}" for k in key_result_ids if not knowledge.load(tenant, "key_result", k)[1]
    ]
    objective = knowledge.load(tenant, "objective", objective_id)[1]
    if objective is None or objective["status"] != "active":
        missing.append(f"active objective {objective_id}")
    elif set(objective["key_results"]) != set(key_result_ids):
        missing.append(f"key results of objective {objective_id}")
    cycle = knowledge.load(tenant, "cycle", CYCLE)[1]
    if cycle is None or cycle["state"] != "active":
        missing.append(f"active cycle {CYCLE}")
    return missing


async def reminders_on_topic(infra, topic, key_result_ids, expected, seconds=30):
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=infra.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen = []
    try:
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for r in (r for rs in batch.values() for r in rs):
                if r.key and r.key.decode() in key_result_ids:
                    event = from_kafka({k: v.decode() for k, v in r.headers}, r.value)
                    seen.append((event.type, event.subject, event.data["period_start"]))
            if len(seen) >= expected:
                await asyncio.sleep(1)
                batch = await consumer.getmany(timeout_ms=1000)
                seen += [
                    ("late", r.key, None)
                    for rs in batch.values()
                    for r in rs
                    if r.key and r.key.decode() in key_result_ids
                ]
                break
    finally:
        await consumer.stop()
    return seen


async def test_goals_are_learned_from_kafka_and_reminders_are_published_once_across_a_restart(
    infra, databases
):
    goals_db, checkins_db = databases
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"checkins-{uuid.uuid4().hex[:8]}"
    )
    objective_id, key_result_ids = await publish_goals(kafka, infra, goals_db, tenant)
    settings = CheckinsSettings(
        kafka=kafka,
        event_store=checkins_env(infra, checkins_db),
        consumer_group=f"okr-checkins-{uuid.uuid4().hex[:8]}",
    )
    clock = FixedClock(FEB)

    first = checkins_bootstrap(settings, clock=clock)
    await first.start_consuming()
    try:
        # The key results, the objective's status and the cycle's state travel as separate records.
        await until_nothing_missing(
            lambda: facts_missing(first.knowledge, tenant, objective_id, key_result_ids)
        )
    finally:
        await first.broker.stop()
    assert first.handlers.cadences.send_reminders(tenant) == 4
    await relay_all(first, "checkins-relay")

    restarted = checkins_bootstrap(settings, clock=clock)
    assert restarted.handlers.cadences.send_reminders(tenant) == 0
    await relay_all(restarted, "checkins-relay")

    seen = await reminders_on_topic(
        infra, kafka.topic(CHECKINS_TOPIC), set(key_result_ids), expected=4
    )
    assert sorted(seen) == sorted(
        [("okr.checkins.CheckInDue", k, "2026-02-12T00:00:00+00:00") for k in key_result_ids]
        + [("okr.checkins.CheckInOverdue", k, "2026-02-05T00:00:00+00:00") for k in key_result_ids]
    )
