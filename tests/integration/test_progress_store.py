"""Version-guarded writes to the document store (FerretDB here, MongoDB 7 in production)."""

import uuid
from datetime import UTC, datetime

import pytest
from okr_projections.adapters.progress_store import ProgressStore
from pymongo import AsyncMongoClient


@pytest.fixture
async def store(infra):
    client = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    name = f"okr_test_{uuid.uuid4().hex[:10]}"
    store = ProgressStore(client, name)
    await store.ensure_indexes()
    yield store
    await client.drop_database(name)
    await client.close()


def meta(version):
    return {"tenant_id": "acme", "actor_id": "alice", "version": version, "event_id": f"e{version}",
            "time": datetime.now(UTC)}


def created(oid):
    return {"objective_id": oid, "title": "UX", "description": "", "owner_id": "ceo", "level": "team", "cycle_id": "q1",
            "key_results": [{"key_result_id": "k1", "title": "NPS", "start": 0.0, "target": 10.0, "unit": "", "weight": 1.0}]}


async def test_duplicated_and_replayed_events_change_nothing(store):
    oid = str(uuid.uuid4())
    added = {"objective_id": oid, "key_result": {"key_result_id": "k2", "title": "CSAT", "start": 0.0,
                                                   "target": 5.0, "unit": "", "weight": 0.5}}
    assert await store.apply("ObjectiveCreated", created(oid), meta(1))
    assert await store.apply("KeyResultAdded", added, meta(2))
    assert not await store.apply("KeyResultAdded", added, meta(2))
    assert not await store.apply("ObjectiveCreated", created(oid), meta(1))
    doc = await store.get("acme", oid)
    assert doc["version"] == 2 and len(doc["key_results"]) == 2


async def test_documents_are_invisible_to_other_tenants(store):
    oid = str(uuid.uuid4())
    await store.apply("ObjectiveCreated", created(oid), meta(1))
    assert await store.get("globex", oid) is None
    assert [d["_id"] for d in await store.list("acme", {"cycle_id": "q1"}, 10, 0)] == [oid]
    assert await store.list("globex", {}, 10, 0) == []
