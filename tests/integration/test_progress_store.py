"""Objective documents in the real document store (FerretDB here, MongoDB 7 in production):
version guard and rollup."""

import asyncio
import uuid

import pytest
from pymongo import AsyncMongoClient

from okr_projections.documents import UnprojectableEvent
from tests.support.goal_events import created, kr
from tests.support.projection_feed import Feed, read_models, without_projection_time


@pytest.fixture
async def projector(infra):
    async with read_models(infra) as projector:
        yield projector


@pytest.fixture
def feed(projector):
    return Feed(projector)


def oid():
    return str(uuid.uuid4())


def range_kr(upper=4.0, key_result_id="k1"):
    """A keep-within-range key result at baseline 5 in [2, upper]: progress 0.5 with upper 4, 1.0
    with upper 6."""
    return kr(
        key_result_id, kind="range", start=None, target=None, baseline=5.0, lower=2.0, upper=upper
    )


def milestone(key_result_id="m1"):
    return kr(key_result_id, kind="milestone", start=None, target=None)


async def rollups(projector, *ids, tenant="acme"):
    return [(await projector.read_models.objectives.get(tenant, i))["rollup_progress"] for i in ids]


async def test_duplicated_and_replayed_events_change_nothing(projector, feed):
    parent, child = oid(), oid()
    await feed("ObjectiveCreated", created(parent, key_results=[]))
    await feed(
        "ObjectiveCreated", created(child, key_results=[range_kr()], alignments=[(parent, 1.0)])
    )
    await feed(
        "KeyResultAdded",
        {"objective_id": child, "key_result": milestone(), "reason": None, "correction": False},
    )
    await feed(
        "KeyResultRevised",
        {
            "objective_id": child,
            "key_result_id": "k1",
            "changes": {"upper": 6.0},
            "previous": {"upper": 4.0},
            "reason": None,
            "correction": False,
        },
    )
    before = [
        without_projection_time(await projector.read_models.objectives.get("acme", i))
        for i in (parent, child)
    ]
    assert await feed.replay() == [False] * 4
    after = [
        without_projection_time(await projector.read_models.objectives.get("acme", i))
        for i in (parent, child)
    ]
    assert after == before
    assert before[1]["version"] == 3 and len(before[1]["key_results"]) == 2
    assert before[0]["rollup_progress"] == pytest.approx(0.5)


async def test_rollup_propagates_two_levels_up_through_a_child_with_two_parents(projector, feed):
    company, dept1, dept2, team = oid(), oid(), oid(), oid()
    await feed("ObjectiveCreated", created(company, key_results=[]))
    await feed("ObjectiveCreated", created(dept1, key_results=[], alignments=[(company, 1.0)]))
    await feed(
        "ObjectiveCreated", created(dept2, key_results=[milestone()], alignments=[(company, 1.0)])
    )
    await feed(
        "ObjectiveCreated",
        created(team, key_results=[range_kr()], alignments=[(dept1, 1.0), (dept2, 0.5)]),
    )
    assert await rollups(projector, team, dept1, dept2, company) == pytest.approx(
        [0.5, 0.5, 1 / 6, 1 / 3]
    )

    await feed(
        "KeyResultRevised",
        {
            "objective_id": team,
            "key_result_id": "k1",
            "changes": {"upper": 6.0},
            "previous": {"upper": 4.0},
            "reason": "scope",
            "correction": False,
        },
    )
    assert await rollups(projector, team, dept1, dept2, company) == pytest.approx(
        [1.0, 1.0, 1 / 3, 2 / 3]
    )


async def test_removing_a_link_recomputes_the_old_parent_and_its_ancestors(projector, feed):
    company, dept, team = oid(), oid(), oid()
    await feed("ObjectiveCreated", created(company, key_results=[]))
    await feed(
        "ObjectiveCreated", created(dept, key_results=[milestone()], alignments=[(company, 1.0)])
    )
    await feed(
        "ObjectiveCreated",
        created(team, key_results=[range_kr(upper=6.0)], alignments=[(dept, 1.0)]),
    )
    assert await rollups(projector, dept, company) == pytest.approx([0.5, 0.5])
    await feed(
        "ObjectiveAlignmentRemoved",
        {"objective_id": team, "parent_objective_id": dept, "reason": "reorg", "correction": False},
    )
    assert await rollups(projector, team, dept, company) == pytest.approx([1.0, 0.0, 0.0])


async def test_revising_a_link_weight_and_aligning_later_recompute_the_parent(projector, feed):
    parent, a, b = oid(), oid(), oid()
    await feed("ObjectiveCreated", created(parent, key_results=[]))
    await feed(
        "ObjectiveCreated",
        created(a, key_results=[range_kr(upper=6.0)], alignments=[(parent, 0.2)]),
    )
    await feed("ObjectiveCreated", created(b, key_results=[milestone()]))
    await feed(
        "ObjectiveAligned",
        {
            "objective_id": b,
            "parent_objective_id": parent,
            "weight": 0.2,
            "proposal_id": None,
            "reason": None,
            "correction": False,
        },
    )
    assert await rollups(projector, parent) == pytest.approx([0.5])
    await feed(
        "ObjectiveAlignmentRevised",
        {
            "objective_id": a,
            "parent_objective_id": parent,
            "weight": 0.6,
            "previous_weight": 0.2,
            "reason": None,
            "correction": False,
        },
    )
    assert await rollups(projector, parent) == pytest.approx([0.75])


async def test_a_parent_projected_after_its_child_counts_the_child(projector, feed):
    parent, child = oid(), oid()
    await feed(
        "ObjectiveCreated",
        created(child, key_results=[range_kr(upper=6.0)], alignments=[(parent, 1.0)]),
    )
    await feed("ObjectiveCreated", created(parent, key_results=[milestone()]))
    assert await rollups(projector, parent) == pytest.approx([0.5])


async def test_documents_are_invisible_to_other_tenants(projector, feed):
    objective_id = oid()
    await feed("ObjectiveCreated", created(objective_id))
    store = projector.read_models.objectives
    assert await store.get("globex", objective_id) is None
    assert [d["_id"] for d in await store.list("acme", {"cycle_id": "q1"}, 10, 0)] == [objective_id]
    assert await store.list("globex", {}, 10, 0) == []


async def test_another_tenants_event_for_an_existing_objective_id_cannot_be_projected(
    projector, feed
):
    objective_id = oid()
    await feed("ObjectiveCreated", created(objective_id))
    with pytest.raises(UnprojectableEvent, match="another tenant"):
        await feed(
            "ObjectiveStatusChanged",
            {
                "objective_id": objective_id,
                "status": "closed",
                "previous_status": "active",
                "reason": None,
                "correction": False,
            },
            tenant="globex",
        )


async def test_a_child_in_another_tenant_never_rolls_up_into_a_parent(projector, feed):
    parent = oid()
    await feed("ObjectiveCreated", created(parent, key_results=[milestone()]))
    await feed(
        "ObjectiveCreated",
        created(oid(), key_results=[range_kr(upper=6.0)], alignments=[(parent, 1.0)]),
        tenant="globex",
    )
    assert await rollups(projector, parent) == [0.0]


async def test_an_update_before_creation_is_unprojectable_and_stores_nothing(projector, feed):
    objective_id = oid()
    with pytest.raises(UnprojectableEvent):
        await feed(
            "ObjectiveStatusChanged",
            {
                "objective_id": objective_id,
                "status": "closed",
                "previous_status": "active",
                "reason": None,
                "correction": False,
            },
        )
    assert await projector.read_models.objectives.get("acme", objective_id) is None


async def document_updates_are_atomic(infra):
    """MongoDB updates one document atomically; FerretDB 1.24 on SQLite loses concurrent updates
    of one document."""
    client = AsyncMongoClient(infra.mongo_url)
    try:
        return "ferretdbVersion" not in await client.admin.command("buildInfo")
    finally:
        await client.close()


async def test_events_of_sibling_children_leave_the_parent_rollup_exact(infra, projector, feed):
    """Concurrently on MongoDB; one after the other on FerretDB, which loses concurrent updates
    of a document
    (there, one consumer per partition set is the supported deployment)."""
    parent, children = oid(), [oid() for _ in range(8)]
    await feed("ObjectiveCreated", created(parent, key_results=[]))
    for child in children:
        await feed(
            "ObjectiveCreated", created(child, key_results=[range_kr()], alignments=[(parent, 1.0)])
        )
    revisions = [
        feed(
            "KeyResultRevised",
            {
                "objective_id": child,
                "key_result_id": "k1",
                "changes": {"upper": 6.0},
                "previous": {"upper": 4.0},
                "reason": None,
                "correction": False,
            },
        )
        for child in children
    ]
    if await document_updates_are_atomic(infra):
        await asyncio.gather(*revisions)
    else:
        for revision in revisions:
            await revision
    assert await rollups(projector, parent) == pytest.approx([1.0])
