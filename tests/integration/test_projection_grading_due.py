"""The open grading read model on the real document store: reminders open items, scores and
finalisation settle them, duplicates change nothing, and a person's open items are listed."""

import uuid

import pytest
from pymongo import AsyncMongoClient

from okr_projections.grading_due.store import GradingDueStore
from tests.support.review_events import finalised, review_id_of, review_meta, scored


@pytest.fixture
async def store(infra):
    client = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    name = f"okr_test_{uuid.uuid4().hex[:10]}"
    built = GradingDueStore(client, name)
    await built.ensure_indexes()
    try:
        yield built
    finally:
        await client.drop_database(name)
        await client.close()


def reminder(person="alice", role="owner", key_result_ids=("k1", "k2")):
    return {
        "review_id": review_id_of("o1"),
        "cycle_id": "q1",
        "objective_id": "o1",
        "key_result_ids": list(key_result_ids),
        "person_id": person,
        "role": role,
        "period_start": "2026-04-01T09:00:00+00:00",
        "period_end": "2026-04-08T09:00:00+00:00",
        "due_by": "2026-04-15T09:00:00+00:00",
    }


async def test_reminders_open_items_that_scores_and_finalisation_settle(store):
    assert await store.apply_reminder("GradingDue", reminder(), review_meta(2))
    assert not await store.apply_reminder("GradingDue", reminder(), review_meta(2))
    assert await store.apply_reminder("GradingDue", reminder("bob", "manager"), review_meta(3))
    assert [d["open_key_result_ids"] for d in await store.open_for("acme", "alice")] == [
        ["k1", "k2"]
    ]

    assert await store.apply_score("KeyResultScored", scored("o1", "k1"), review_meta(4))
    assert not await store.apply_score("KeyResultScored", scored("o1", "k1"), review_meta(4))
    (owner,) = await store.open_for("acme", "alice")
    assert (owner["status"], owner["open_key_result_ids"]) == ("due", ["k2"])
    assert await store.open_for("other", "alice") == []

    assert await store.apply_score("ReviewFinalised", finalised("o1"), review_meta(5))
    assert await store.open_for("acme", "alice") == []
    assert await store.open_for("acme", "bob") == []


async def test_a_score_learned_before_its_reminder_settles_it(store):
    await store.apply_score("KeyResultScored", scored("o1", "k1", kind="manager"), review_meta(2))
    await store.apply_reminder("GradingDue", reminder("bob", "manager", ["k1"]), review_meta(3))
    await store.apply_reminder("GradingDue", reminder("alice", "owner", ["k1"]), review_meta(4))
    assert await store.open_for("acme", "bob") == []
    assert [d["role"] for d in await store.open_for("acme", "alice")] == ["owner"]
