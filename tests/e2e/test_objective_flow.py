"""HTTP → event store → outbox relay → Kafka → projections → HTTP, with the services as
processes."""

from __future__ import annotations

import asyncio
import threading
import uuid

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from okr_shared.messaging import GOALS_TOPIC, dead_letter_topic
from tests.e2e.conftest import wait_for

OBJECTIVE = {
    "title": "Best user experience in the industry",
    "owner_type": "org_unit",
    "owner_id": "acme",
    "level": "company",
    "cycle_id": "2026-Q1",
    "key_results": [
        {
            "title": "User satisfaction",
            "kind": "percentage",
            "start": 70,
            "target": 90,
            "weight": 0.6,
        }
    ],
}


@pytest.fixture(scope="module")
def auth(tenant):
    return tenant.admin


def progress(stack, auth, oid, min_version=1):
    r = httpx.get(f"{stack.projections_url}/v1/objectives/{oid}/progress", headers=auth)
    if r.status_code == 200 and r.json()["version"] >= min_version:
        return r.json()
    return None


def test_objective_created_over_http_shows_up_in_the_progress_read_model(stack, auth, issuer):
    r = httpx.post(f"{stack.goals_url}/v1/objectives", json=OBJECTIVE, headers=auth)
    assert r.status_code == 201
    oid = r.json()["objective_id"]
    doc = wait_for(lambda: progress(stack, auth, oid))
    assert doc["title"] == OBJECTIVE["title"] and doc["progress"] == 0.0
    assert doc["key_results"][0]["target"] == 90
    foreign = {"Authorization": f"Bearer {issuer.issue('someone-else', 'mallory')}"}
    assert (
        httpx.get(
            f"{stack.projections_url}/v1/objectives/{oid}/progress", headers=foreign
        ).status_code
        == 404
    )


async def _records_for(stack, subject: str, n: int):
    consumer = AIOKafkaConsumer(
        stack.topic(GOALS_TOPIC),
        bootstrap_servers=stack.infra.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found = []
    try:
        for _ in range(60):
            batch = await consumer.getmany(timeout_ms=500)
            found += [r for rs in batch.values() for r in rs if r.key == subject.encode()]
            if len(found) >= n:
                return found
    finally:
        await consumer.stop()
    raise AssertionError(f"only {len(found)} records for {subject}")


async def _produce(stack, topic, key, value, headers):
    producer = AIOKafkaProducer(bootstrap_servers=stack.infra.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()


def test_a_duplicated_kafka_message_is_not_applied_twice(stack, auth):
    oid = httpx.post(f"{stack.goals_url}/v1/objectives", json=OBJECTIVE, headers=auth).json()[
        "objective_id"
    ]
    added = httpx.post(
        f"{stack.goals_url}/v1/objectives/{oid}/key-results",
        headers=auth,
        json={
            "expected_version": 1,
            "title": "Complaints",
            "kind": "decrease_to",
            "start": 100,
            "target": 20,
            "weight": 0.4,
        },
    )
    assert added.status_code == 201
    kr_id = added.json()["key_results"][-1]["key_result_id"]
    # The key result is revised after it was added: a re-applied KeyResultAdded would undo that.
    revised = httpx.patch(
        f"{stack.goals_url}/v1/objectives/{oid}/key-results/{kr_id}",
        headers=auth,
        json={"expected_version": 2, "target": 50},
    )
    assert revised.status_code == 200, revised.text
    assert _target(wait_for(lambda: progress(stack, auth, oid, 3)), kr_id) == 50
    records = asyncio.run(_records_for(stack, oid, 3))
    duplicate = next(
        r for r in records if dict(r.headers)["ce_type"] == b"okr.goals.KeyResultAdded"
    )
    # Deliver the KeyResultAdded again behind the revision, then a later event of the objective.
    asyncio.run(
        _produce(
            stack, stack.topic(GOALS_TOPIC), duplicate.key, duplicate.value, list(duplicate.headers)
        )
    )
    renamed = httpx.patch(
        f"{stack.goals_url}/v1/objectives/{oid}",
        headers=auth,
        json={"expected_version": 3, "title": "Renamed"},
    )
    assert renamed.status_code == 200, renamed.text
    doc = wait_for(lambda: progress(stack, auth, oid, 4))
    assert doc["title"] == "Renamed" and doc["version"] == 4
    assert [kr["title"] for kr in doc["key_results"]] == ["User satisfaction", "Complaints"]
    assert _target(doc, kr_id) == 50


def _target(doc, key_result_id):
    return next(kr["target"] for kr in doc["key_results"] if kr["key_result_id"] == key_result_id)


def test_restarting_the_relay_in_the_middle_of_a_burst_loses_no_event(stack, auth):
    created: list[str] = []
    burst = 60

    def create_burst():
        with httpx.Client(base_url=stack.goals_url, headers=auth) as client:
            for i in range(burst):
                r = client.post(
                    "/v1/objectives", json={**OBJECTIVE, "title": f"Burst {i}", "cycle_id": "burst"}
                )
                created.append(r.json()["objective_id"])

    writer = threading.Thread(target=create_burst)
    writer.start()
    wait_for(lambda: len(created) >= burst // 3, seconds=60)
    stack.relay.kill()
    wait_for(lambda: len(created) >= 2 * burst // 3, seconds=60)
    stack.relay.start()
    writer.join(120)
    assert len(created) == burst

    def all_projected():
        r = httpx.get(
            f"{stack.projections_url}/v1/objectives",
            params={"cycle_id": "burst", "limit": 500},
            headers=auth,
        )
        return {d["objective_id"] for d in r.json()["items"]} >= set(created)

    wait_for(all_projected, seconds=60)


def test_an_undecodable_event_goes_to_the_dead_letter_topic_and_the_consumer_keeps_going(
    stack, auth
):
    marker = f"poison-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        _produce(
            stack,
            stack.topic(GOALS_TOPIC),
            marker.encode(),
            b"\x00not json",
            [("ce_id", marker.encode())],
        )
    )

    async def dead_letters():
        consumer = AIOKafkaConsumer(
            stack.topic(dead_letter_topic(stack.consumer_group)),
            bootstrap_servers=stack.infra.kafka_bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            for _ in range(60):
                batch = await consumer.getmany(timeout_ms=500)
                for r in (r for rs in batch.values() for r in rs):
                    if r.key == marker.encode():
                        return dict(r.headers)
        finally:
            await consumer.stop()
        return None

    headers = asyncio.run(dead_letters())
    assert headers is not None, "poison message not dead-lettered"
    assert b"missing CloudEvents headers" in headers["dlq_reason"]
    assert headers["dlq_source_topic"] == stack.topic(GOALS_TOPIC).encode()
    oid = httpx.post(f"{stack.goals_url}/v1/objectives", json=OBJECTIVE, headers=auth).json()[
        "objective_id"
    ]
    assert wait_for(lambda: progress(stack, auth, oid))
