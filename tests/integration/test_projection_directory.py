"""Directory and cycle read models in the real document store: subtrees, moves, out-of-order
arrival, tenants."""

import pytest

from tests.support.projection_feed import Feed, read_models


@pytest.fixture
async def projector(infra):
    async with read_models(infra) as projector:
        yield projector


@pytest.fixture
def feed(projector):
    return Feed(projector)


async def create_unit(feed, unit_id, parent_id, tenant="acme"):
    await feed(
        "OrgUnitCreated",
        {"org_unit_id": unit_id, "name": unit_id.title(), "kind": "team", "parent_id": parent_id},
        tenant=tenant,
    )


async def join(feed, person_id, manager_id=None, org_unit_id=None, tenant="acme"):
    await feed(
        "PersonJoined",
        {
            "person_id": person_id,
            "name": person_id,
            "email": f"{person_id}@x",
            "manager_id": manager_id,
            "org_unit_id": org_unit_id,
            "locale": "en",
        },
        tenant=tenant,
    )


async def org_chart(feed):
    for unit_id, parent_id in [
        ("company", None),
        ("sales", "company"),
        ("sales-eu", "sales"),
        ("sales-eu-de", "sales-eu"),
        ("marketing", "company"),
    ]:
        await create_unit(feed, unit_id, parent_id)


async def ancestors(projector, unit_id, tenant="acme"):
    return (await projector.read_models.org_units.get(tenant, unit_id))["ancestors"]


async def test_a_subtree_holds_the_unit_and_every_unit_below_it(projector, feed):
    await org_chart(feed)
    assert await projector.read_models.org_units.subtree("acme", "sales") == [
        "sales",
        "sales-eu",
        "sales-eu-de",
    ]
    assert await ancestors(projector, "sales-eu-de") == ["company", "sales", "sales-eu"]


async def test_moving_a_unit_recomputes_the_ancestors_of_its_descendants(projector, feed):
    await org_chart(feed)
    await feed(
        "OrgUnitMoved",
        {"org_unit_id": "sales-eu", "parent_id": "marketing", "previous_parent_id": "sales"},
    )
    assert await ancestors(projector, "sales-eu-de") == ["company", "marketing", "sales-eu"]
    assert await projector.read_models.org_units.subtree("acme", "sales") == ["sales"]
    assert await projector.read_models.org_units.subtree("acme", "marketing") == [
        "marketing",
        "sales-eu",
        "sales-eu-de",
    ]


async def test_units_created_before_their_parent_get_full_ancestors_once_it_arrives(
    projector, feed
):
    await create_unit(feed, "sales-eu-de", "sales-eu")
    await create_unit(feed, "sales-eu", "sales")
    assert await ancestors(projector, "sales-eu-de") == ["sales", "sales-eu"]
    await create_unit(feed, "sales", "company")
    await create_unit(feed, "company", None)
    assert await ancestors(projector, "sales-eu-de") == ["company", "sales", "sales-eu"]
    assert await projector.read_models.org_units.subtree("acme", "company") == [
        "company",
        "sales",
        "sales-eu",
        "sales-eu-de",
    ]


async def test_moves_seen_in_the_other_order_settle_once_both_are_in(projector, feed):
    await create_unit(feed, "a", None)
    await create_unit(feed, "b", "a")
    # Commands: b moved to the root, then a under b; the consumer sees a's move first.
    await feed("OrgUnitMoved", {"org_unit_id": "a", "parent_id": "b", "previous_parent_id": None})
    await feed("OrgUnitMoved", {"org_unit_id": "b", "parent_id": None, "previous_parent_id": "a"})
    assert (await ancestors(projector, "a"), await ancestors(projector, "b")) == (["b"], [])


async def test_a_person_may_join_before_their_unit_and_manager_are_projected(projector, feed):
    await join(feed, "E2", manager_id="E1", org_unit_id="sales")
    person = await projector.read_models.people.get("acme", "E2")
    assert person["org_unit_id"] == "sales" and person["manager_id"] == "E1" and person["active"]


async def test_reports_are_everyone_below_a_person_in_the_manager_chain(projector, feed):
    await join(feed, "ceo")
    for person_id, manager_id in [("vp", "ceo"), ("lead", "vp"), ("dev", "lead"), ("other", None)]:
        await join(feed, person_id, manager_id)
    assert await projector.read_models.people.reports_of("acme", "vp") == {"lead", "dev"}
    assert await projector.read_models.people.reports_of("acme", "dev") == set()


async def test_duplicated_directory_and_cycle_events_change_nothing(projector, feed):
    await org_chart(feed)
    await join(feed, "E1", org_unit_id="sales")
    await feed("PersonLeft", {"person_id": "E1"})
    await feed(
        "CyclePlanned",
        {
            "cycle_id": "2026-Q4",
            "name": "Q4",
            "cadence": "quarterly",
            "starts_on": "2026-10-01",
            "ends_on": "2026-12-31",
        },
    )
    await feed(
        "CycleActivated", {"cycle_id": "2026-Q4", "previous_state": "planning", "reason": None}
    )
    assert not any(await feed.replay())
    cycle = await projector.read_models.cycles.get("acme", "2026-Q4")
    assert cycle["state"] == "active" and len(cycle["transitions"]) == 1 and cycle["version"] == 2
    assert not (await projector.read_models.people.get("acme", "E1"))["active"]
    assert await ancestors(projector, "sales-eu-de") == ["company", "sales", "sales-eu"]


async def test_the_same_business_ids_in_two_tenants_are_separate_documents(projector, feed):
    await org_chart(feed)
    await create_unit(feed, "sales", None, tenant="globex")
    await create_unit(feed, "sales-eu", "sales", tenant="globex")
    await join(feed, "E1", org_unit_id="sales", tenant="globex")
    assert await ancestors(projector, "sales", tenant="globex") == []
    assert await ancestors(projector, "sales") == ["company"]
    assert await projector.read_models.org_units.subtree("globex", "sales") == ["sales", "sales-eu"]
    assert await projector.read_models.people.get("acme", "E1") is None
    assert await projector.read_models.cycles.get("globex", "2026-Q4") is None
