"""Batched folds on the real document store: a batch written with one bulk write per collection
leaves the same documents as folding one event at a time, and redelivery changes nothing."""

import uuid

from pymongo import AsyncMongoClient

from okr_projections.batch import BULK_LIMIT, batch
from okr_projections.bootstrap import build_read_side
from okr_projections.store import WritePolicy, conditional_writes_work
from tests.support.goal_events import created, kr, meta, status_changed

TENANT = "acme"


def events():
    """A root objective, three aligned to it (weighted), created before and after their parent."""
    root = created("root", key_results=[kr("k0")])
    children = [
        created(
            f"c{i}", key_results=[kr(f"k{i}", start=0.0, target=10.0)], alignments=[("root", w)]
        )
        for i, w in ((1, 1.0), (2, 2.0), (3, 0.5))
    ]
    ordered = [children[0], root, children[1], children[2]]
    return [("ObjectiveCreated", data, meta(1, TENANT)) for data in ordered]


async def documents(client, name):
    found = {}
    for collection in sorted(await client[name].list_collection_names()):
        docs = await client[name][collection].find({}).sort("_id", 1).to_list(None)
        found[collection] = [{k: v for k, v in d.items() if k != "projected_at"} for d in docs]
    return found


async def test_a_batch_leaves_the_documents_one_event_at_a_time_leaves_and_redelivery_is_harmless(
    infra,
):
    client = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    one, batched = (f"okr_test_{uuid.uuid4().hex[:10]}" for _ in range(2))
    policy = WritePolicy(conditional=await conditional_writes_work(client))
    try:
        single, _ = build_read_side(client, one, policy)
        for entry in events():
            await single.project(*entry)
        projector, _ = build_read_side(client, batched, policy)
        async with batch(policy) as opened:
            for entry in [*events(), *events()]:
                await projector.project(*entry)
            assert await documents(client, batched) == {}
            await opened.flush()
        assert 0 < opened.bulk_writes <= 2
        expected = await documents(client, one)
        assert await documents(client, batched) == expected
        assert expected["objective_progress"][0]["rollup_progress"] is not None
        async with batch(policy) as again:
            for entry in events():
                assert await projector.project(*entry) is False
            await again.flush()
        assert again.bulk_writes == 0 and await documents(client, batched) == expected
    finally:
        await client.drop_database(one)
        await client.drop_database(batched)
        await client.close()


async def test_a_batch_with_more_changes_than_one_bulk_write_takes_is_written_in_parts(infra):
    """FerretDB 1.24 wedges a database on a bulk write of more than about 100 updates; a batch
    changing more documents than BULK_LIMIT writes them in several bulk writes, all of them."""
    client = AsyncMongoClient(infra.mongo_url, tz_aware=True, timeoutMS=30_000)
    name = f"okr_test_{uuid.uuid4().hex[:10]}"
    policy = WritePolicy(conditional=await conditional_writes_work(client))
    ids = [f"o{i}" for i in range(2 * BULK_LIMIT + 10)]
    try:
        projector, _ = build_read_side(client, name, policy)
        async with batch(policy) as creating:
            for oid in ids:
                await projector.project("ObjectiveCreated", created(oid), meta(1, TENANT))
            await creating.flush()
        async with batch(policy) as changing:
            for oid in ids:
                await projector.project(
                    "ObjectiveStatusChanged", status_changed(objective_id=oid), meta(2, TENANT)
                )
            await changing.flush()

        assert changing.bulk_writes >= 3
        docs = await client[name]["objective_progress"].find({}).to_list(None)
        assert sorted(d["objective_id"] for d in docs) == sorted(ids)
        assert {d["status"] for d in docs} == {"active"}
    finally:
        await client.drop_database(name)
        await client.close()
