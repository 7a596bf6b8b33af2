"""The read side on the real document store: visibility on every read, subtrees, involvement,
trees, tenants."""

import uuid

import pytest

from okr_projections.bootstrap import build_queries
from okr_projections.objectives.visibility import can_read
from okr_shared.identity import Principal
from tests.support.goal_events import created, kr
from tests.support.projection_feed import Feed, read_models

UNITS = [("company", None), ("sales", "company"), ("sales-eu", "sales"), ("marketing", "company")]
PEOPLE = [
    ("ceo", None, "company"),
    ("vp", "ceo", "sales"),
    ("rep", "vp", "sales-eu"),
    ("mkt", "ceo", "marketing"),
]
OBJECTIVES = {  # name: (visibility, owner_type, owner_id, org_unit_id)
    "pub": ("public", "person", "mkt", "marketing"),
    "unit-sales": ("org_unit", "person", "vp", "sales"),
    "unit-eu": ("org_unit", "person", "rep", "sales-eu"),
    "priv-rep": ("private", "person", "rep", "sales-eu"),
    "priv-unit": ("private", "org_unit", "sales", "sales"),
    "priv-mkt": ("private", "person", "mkt", "marketing"),
}
EXPECTED = {
    "rep": {"pub", "unit-sales", "unit-eu", "priv-rep"},
    "vp": {"pub", "unit-sales", "unit-eu", "priv-rep", "priv-unit"},
    "mkt": {"pub", "priv-mkt"},
    "ceo": {"pub", "unit-sales", "unit-eu", "priv-rep", "priv-unit", "priv-mkt"},
    "stranger": {"pub"},
}


@pytest.fixture(scope="module")
async def world(infra):
    """A small organisation with objectives of every visibility, projected once for the module."""
    async with read_models(infra) as projector:
        feed = Feed(projector)
        for unit_id, parent_id in UNITS:
            await feed(
                "OrgUnitCreated",
                {"org_unit_id": unit_id, "name": unit_id, "kind": "team", "parent_id": parent_id},
            )
        for person_id, manager_id, unit_id in PEOPLE:
            await feed(
                "PersonJoined",
                {
                    "person_id": person_id,
                    "name": person_id,
                    "email": f"{person_id}@x",
                    "manager_id": manager_id,
                    "org_unit_id": unit_id,
                    "locale": "en",
                },
            )
        ids = {name: str(uuid.uuid4()) for name in OBJECTIVES}
        for name, (visibility, owner_type, owner_id, unit_id) in OBJECTIVES.items():
            await feed(
                "ObjectiveCreated",
                created(
                    ids[name],
                    title=name,
                    visibility=visibility,
                    owner_type=owner_type,
                    owner_id=owner_id,
                    org_unit_id=unit_id,
                    cycle_id="vis",
                ),
            )
        yield (
            build_queries(
                projector.read_models.objectives,
                projector.read_models.org_units,
                projector.read_models.people,
                projector.read_models.cycles,
            ),
            feed,
            ids,
        )


def principal(actor_id, *roles, tenant="acme"):
    return Principal(tenant, actor_id, roles)


def names(ids, docs):
    by_id = {v: k for k, v in ids.items()}
    return {by_id[d["objective_id"]] for d in docs}


@pytest.mark.parametrize("reader", sorted(EXPECTED))
async def test_lists_and_single_reads_show_exactly_what_the_visibility_rules_allow(world, reader):
    queries, _, ids = world
    listed = await queries.objectives.objectives_list(
        principal(reader), {"cycle_id": "vis"}, 100, 0
    )
    assert names(ids, listed) == EXPECTED[reader]
    single = {
        name
        for name, oid in ids.items()
        if await queries.objectives.objective(principal(reader), oid)
    }
    assert single == EXPECTED[reader]
    every = await queries.objectives.objectives_list(
        principal("root", "admin"), {"cycle_id": "vis"}, 100, 0
    )
    as_reader = await queries.directory.reader(principal(reader))
    assert {d["objective_id"] for d in every if can_read(d, as_reader)} == {
        d["objective_id"] for d in listed
    }


async def test_admins_see_every_objective_including_private_ones_of_org_units(world):
    queries, _, ids = world
    assert names(
        ids,
        await queries.objectives.objectives_list(
            principal("root", "admin"), {"cycle_id": "vis"}, 100, 0
        ),
    ) == set(ids)


async def test_pages_are_cut_from_the_visible_objectives_only(world):
    queries, _, ids = world
    pages = [
        await queries.objectives.objectives_list(principal("rep"), {"cycle_id": "vis"}, 3, offset)
        for offset in (0, 3)
    ]
    assert [len(p) for p in pages] == [3, 1]
    assert names(ids, pages[0] + pages[1]) == EXPECTED["rep"]


async def test_org_unit_objectives_cover_the_subtree_unless_sub_units_are_excluded(world):
    queries, _, ids = world
    admin = principal("root", "admin")
    subtree = await queries.objectives.org_unit_objectives(admin, "sales", "vis", True, 100, 0)
    assert names(ids, subtree) == {"unit-sales", "unit-eu", "priv-rep", "priv-unit"}
    only = await queries.objectives.org_unit_objectives(admin, "sales", "vis", False, 100, 0)
    assert names(ids, only) == {"unit-sales", "priv-unit"}
    assert (
        names(
            ids,
            await queries.objectives.org_unit_objectives(
                principal("mkt"), "sales", "vis", True, 100, 0
            ),
        )
        == set()
    )


async def test_person_objectives_say_whether_the_person_owns_the_objective_a_key_result_or_an_initiative(  # noqa: E501
    world,
):
    queries, feed, _ = world
    owned, kr_owned, initiative_owned = (str(uuid.uuid4()) for _ in range(3))
    await feed("ObjectiveCreated", created(owned, owner_id="ana", cycle_id="inv"))
    await feed(
        "ObjectiveCreated",
        created(
            kr_owned,
            owner_id="bob",
            cycle_id="inv",
            key_results=[kr("k1"), kr("k2", owner_id="ana")],
        ),
    )
    await feed("ObjectiveCreated", created(initiative_owned, owner_id="bob", cycle_id="inv"))
    await feed(
        "InitiativeAdded",
        {
            "objective_id": initiative_owned,
            "key_result_id": "k1",
            "reason": None,
            "correction": False,
            "initiative": {
                "initiative_id": "i1",
                "title": "t",
                "owner_id": "ana",
                "due_on": None,
                "deliverable": "",
                "status": "todo",
            },
        },
    )
    found = await queries.objectives.person_objectives(principal("ana"), "ana", "inv", 100, 0)
    assert {doc["objective_id"]: why for doc, why in found} == {
        owned: ["owner"],
        kr_owned: ["key_result_owner"],
        initiative_owned: ["initiative_owner"],
    }
    assert (
        await queries.objectives.person_objectives(principal("ana"), "ana", "other-cycle", 100, 0)
        == []
    )


async def test_the_cycle_tree_places_a_child_under_each_of_its_parents_and_can_be_cut_to_a_subtree(
    world,
):
    queries, feed, _ = world
    top, sales, marketing, eu = (str(uuid.uuid4()) for _ in range(4))
    await feed(
        "ObjectiveCreated", created(top, title="top", org_unit_id="company", cycle_id="tree")
    )
    await feed(
        "ObjectiveCreated",
        created(
            sales, title="sales", org_unit_id="sales", cycle_id="tree", alignments=[(top, 1.0)]
        ),
    )
    await feed(
        "ObjectiveCreated",
        created(
            marketing,
            title="marketing",
            org_unit_id="marketing",
            cycle_id="tree",
            alignments=[(top, 1.0)],
        ),
    )
    await feed(
        "ObjectiveCreated",
        created(
            eu,
            title="eu",
            org_unit_id="sales-eu",
            cycle_id="tree",
            alignments=[(sales, 0.5), (marketing, 1.0)],
        ),
    )

    def shape(nodes):
        return sorted((n["title"], n["weight"], shape(n["children"])) for n in nodes)

    tree = await queries.cycles.cycle_tree(principal("rep"), "tree", None)
    assert shape(tree) == [
        ("top", None, [("marketing", 1.0, [("eu", 1.0, [])]), ("sales", 1.0, [("eu", 0.5, [])])])
    ]
    assert shape(await queries.cycles.cycle_tree(principal("rep"), "tree", "sales")) == [
        ("sales", None, [("eu", 0.5, [])])
    ]


async def test_another_tenant_sees_nothing_of_this_one(world):
    queries, _, ids = world
    foreign = principal("root", "admin", tenant="globex")
    assert await queries.objectives.objectives_list(foreign, {"cycle_id": "vis"}, 100, 0) == []
    assert await queries.objectives.objective(foreign, ids["pub"]) is None
    assert (
        await queries.directory.org_unit(foreign, "sales") is None
        and await queries.directory.person(foreign, "rep") is None
    )
    assert await queries.objectives.org_unit_objectives(foreign, "sales", None, True, 100, 0) == []
