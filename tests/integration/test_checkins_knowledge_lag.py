"""The check-in service never refuses on goal knowledge that may be behind Kafka: right after a
cycle is activated, a check-in is accepted (201) or answered 503 with Retry-After, never 409;
once the knowledge has caught up, a cycle that really takes no check-ins is still refused (409)."""

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest

from okr_checkins.bootstrap import bootstrap as checkins_bootstrap
from okr_checkins.http import create_http_app
from okr_checkins.settings import CheckinsSettings
from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from okr_goals.settings import GoalsSettings
from okr_shared.clock import FixedClock
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.conftest import postgres_env
from tests.support.org import CYCLE, caller, seed
from tests.support.relaying import relay_all

NOT_KNOWN_YET = "https://okr-platform.dev/problems/not-known-yet"
FEB = FixedClock(datetime(2026, 2, 16, 12, 0, tzinfo=UTC))


@pytest.fixture
def checkins_db(new_database):
    return new_database()


async def until_current(container, seconds=30.0) -> None:
    """Polls the freshness port until the consumer has applied everything the goals topic holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await asyncio.to_thread(container.freshness.is_current):
        assert loop.time() < deadline, "the goal knowledge did not catch up"
        await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)


async def answers(container, issuer, tenant, key_result_id):
    """POST /v1/check-ins as the key result's owner, through the check-in service's HTTP app."""
    transport = httpx.ASGITransport(app=create_http_app(container, background=False))
    headers = {"Authorization": f"Bearer {issuer.issue(tenant, 'dev')}"}
    body = {
        "key_result_id": key_result_id,
        "value": 60,
        "confidence": 7,
        "note": {"progress": "p", "plans": "n", "problems": ""},
    }
    async with httpx.AsyncClient(
        transport=transport, base_url="http://checkins", headers=headers
    ) as client:
        return await client.post("/v1/check-ins", json=body)


async def until_answer_is_not_503(container, issuer, tenant, key_result_id, seconds=30.0):
    """Checks in until the answer is not 503; every 503 on the way carries Retry-After."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        r = await answers(container, issuer, tenant, key_result_id)
        if r.status_code != 503:
            return r
        assert r.headers["retry-after"] == "1" and r.json()["type"] == NOT_KNOWN_YET, r.text
        assert loop.time() < deadline, "the goal knowledge did not catch up"
        await asyncio.sleep(0.05)


async def test_a_check_in_right_after_activation_is_never_refused_as_closed(
    infra, postgres_db, checkins_db, issuer
):
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_namespace=f"lag-{uuid.uuid4().hex[:8]}"
    )
    await ensure_topics(kafka, [kafka.topic(GOALS_TOPIC), kafka.topic(CHECKINS_TOPIC)])
    goals = goals_bootstrap(
        GoalsSettings(kafka=kafka, event_store=postgres_env(infra, postgres_db))
    )
    seed(goals.features, tenant)
    admin = caller("ceo", admin=True, tenant=tenant)
    objective = goals.features.objectives.create_objective(
        CreateObjective(
            "Checkout",
            "team",
            "org_unit",
            "web",
            CYCLE,
            key_results=(
                NewKeyResult(
                    "Checkout time", "decrease_to", owner_id="dev", start=90.0, target=30.0
                ),
            ),
        ),
        admin,
    ).objective
    key_result_id = objective.key_results[0].key_result_id
    await relay_all(goals)
    settings = CheckinsSettings(
        kafka=kafka,
        event_store=postgres_env(infra, checkins_db, "CHECKINS"),
        consumer_group=f"okr-checkins-{uuid.uuid4().hex[:8]}",
    )

    # Caught up with a cycle still in planning, the refusal is true: 409.
    first = checkins_bootstrap(settings, clock=FEB)
    await first.start_consuming()
    try:
        await until_current(first)
        r = await answers(first, issuer, tenant, key_result_id)
        assert r.status_code == 409 and "planning" in r.json()["detail"], r.text
    finally:
        await first.broker.stop()

    # The cycle is activated and on Kafka, but this instance has not learned it: not 409, 503.
    goals.features.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "go"), admin)
    await relay_all(goals)
    r = await answers(first, issuer, tenant, key_result_id)
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == "1" and r.json()["type"] == NOT_KNOWN_YET

    # A consumer resumes; checking in at once is accepted, or asked to retry, until accepted.
    second = checkins_bootstrap(settings, clock=FEB)
    await second.start_consuming()
    try:
        r = await until_answer_is_not_503(second, issuer, tenant, key_result_id)
        assert r.status_code == 201, r.text

        # Once the closing of the cycle is learned, the refusal is true again: 409.
        for state in ("grading", "closed"):
            goals.features.cycles.advance_cycle(AdvanceCycle(CYCLE, state, "end of quarter"), admin)
        await relay_all(goals)
        await until_current(second)
        r = await until_answer_is_not_503(second, issuer, tenant, key_result_id)
        assert r.status_code == 409 and "closed" in r.json()["detail"], r.text
        assert r.json()["type"].endswith("/problems/key-result-closed")
    finally:
        await second.broker.stop()
