"""`okr events republish` on the real stack: after Kafka lost the goal topic (deleted and made
again with the admin client), a projections consumer group started late catches up from the
event store to the same read model as the one that consumed the original records; republishing
the same range again changes no document."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.support import org
from tests.support.okr_cli import (
    cli_env,
    comparison,
    group_current,
    okr_json,
    relays_caught_up,
    snapshot,
)
from tests.support.processes import Process, free_port, wait_for, wait_healthy

pytestmark = pytest.mark.e2e


def objective(title: str, owner: str, parent: str | None = None) -> dict:
    body = {
        "title": title,
        "owner_type": "org_unit",
        "owner_id": owner,
        "level": "team",
        "cycle_id": org.CYCLE,
        "key_results": [
            {"title": "KR", "kind": "percentage", "start": 0, "target": 100, "weight": 1.0}
        ],
    }
    if parent:
        body["aligned_to"] = [{"parent_objective_id": parent, "weight": 1.0}]
    return body


async def recreate(bootstrap: str, topic: str) -> None:
    """Deletes the topic, waits until Kafka no longer lists it, and makes it again, empty."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([topic])
        for _ in range(300):
            if topic not in await admin.list_topics():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError(f"{topic} was not deleted")
    finally:
        await admin.close()
    kafka = KafkaSettings(bootstrap_servers=bootstrap)
    for _ in range(100):
        try:
            await ensure_topics(kafka, [topic])
            return
        except Exception:
            await asyncio.sleep(0.2)
    raise AssertionError(f"{topic} could not be made again")


@pytest.fixture(scope="module")
def history(stack, tenant):
    """Objectives created, aligned and revised; the stack's projections have them all; then the
    relay and the projections stopped and the goal topic lost."""
    admin = tenant.admin
    created = []
    for i in range(4):
        parent = created[0] if created else None
        r = httpx.post(
            f"{stack.goals_url}/v1/objectives",
            json=objective(f"Objective {i}", "web", parent),
            headers=admin,
        )
        assert r.status_code == 201, r.text
        created.append(r.json()["objective_id"])
    env = cli_env(stack.goals.env)
    infra = stack.infra
    wait_for(lambda: relays_caught_up(env, ("goals",)), seconds=60, interval=0.3)
    wait_for(
        lambda: group_current(infra.kafka_bootstrap, stack.namespace, stack.consumer_group),
        seconds=60,
        interval=0.3,
    )
    stack.relay.stop()
    stack.projections.stop()
    asyncio.run(recreate(infra.kafka_bootstrap, stack.topic(GOALS_TOPIC)))
    return env, stack.projections.env["OKR_PROJECTIONS_DB"]


@pytest.fixture(scope="module")
def late(stack, history):
    """A projections process with a new consumer group and database, started after the loss."""
    database, group = f"okr_e2e_{uuid.uuid4().hex[:8]}", f"okr-late-{uuid.uuid4().hex[:8]}"
    port = free_port()
    process = Process(
        "projections-late",
        ["okr_projections.cli", "serve", "--port", str(port)],
        {
            "OKR_KAFKA_BOOTSTRAP": stack.infra.kafka_bootstrap,
            "OKR_KAFKA_TOPIC_NAMESPACE": stack.namespace,
            "OKR_MONGO_URL": stack.infra.mongo_url,
            "OKR_PROJECTIONS_DB": database,
            "OKR_PROJECTIONS_GROUP": group,
        },
    )
    process.start()
    try:
        wait_healthy(f"http://127.0.0.1:{port}/health/ready", process)
        yield database, group
    finally:
        process.stop()


def test_a_group_started_after_the_topic_was_lost_catches_up_through_republish(
    stack, history, late
):
    env, original = history
    database, group = late
    mongo, bootstrap = stack.infra.mongo_url, stack.infra.kafka_bootstrap
    assert snapshot(mongo, database).get("objective_progress", []) == []

    first = okr_json(
        env,
        "events",
        "republish",
        "--service",
        "goals",
        "--from-position",
        "1",
        "--to-position",
        "10",
    )
    assert first["to_position"] == 10 and first["published"] > 0
    rest = okr_json(env, "events", "republish", "--service", "goals", "--from-position", "11")
    assert rest["topic"] == stack.topic(GOALS_TOPIC) and rest["unpublishable"] == []

    wait_for(lambda: comparison(mongo, original, database)["equal"], seconds=90, interval=0.5)
    wait_for(lambda: group_current(bootstrap, stack.namespace, group), seconds=60)
    before = snapshot(mongo, database)
    assert len(before["objective_progress"]) == 4

    again = okr_json(env, "events", "republish", "--service", "goals", "--from-position", "1")
    assert again["published"] == first["published"] + rest["published"]

    def consumed_again() -> bool:
        return group_current(bootstrap, stack.namespace, group)

    wait_for(consumed_again, seconds=60)
    assert snapshot(mongo, database) == before, "republishing twice changed a document"
