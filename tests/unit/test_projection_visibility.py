"""The projections answer the access matrix: single reads, the query filter and the reader."""

import pytest

from okr_projections.bootstrap import build_queries
from okr_projections.objectives.store import visible_to
from okr_projections.objectives.visibility import Reader, can_read, can_read_work_of, reader_from
from okr_shared.access import ROLES
from okr_shared.identity import Principal
from tests.support.access_matrix import (
    OTHER_TENANT,
    OWNERS,
    PEOPLE,
    POSITIONS,
    TENANT,
    UNITS,
    VISIBILITIES,
    cases,
)

PARENT = {unit: parent for unit, parent, _ in UNITS}


def ancestors(unit):
    parent = PARENT[unit]
    return [*ancestors(parent), parent] if parent else []


OBJECTIVES = [
    {
        "_id": f"{owner_type}-{visibility}",
        "objective_id": f"{owner_type}-{visibility}",
        "tenant_id": TENANT,
        "owner_type": owner_type,
        "owner_id": owner_id,
        "org_unit_id": "web",
        "visibility": visibility,
    }
    for owner_type, owner_id in OWNERS.items()
    for visibility in VISIBILITIES
]


def matches(doc, query):
    """Evaluates the query operators the objectives store uses ($and, $or, $in, equality)."""
    for key, wanted in query.items():
        if key == "$and":
            ok = all(matches(doc, part) for part in wanted)
        elif key == "$or":
            ok = any(matches(doc, part) for part in wanted)
        elif isinstance(wanted, dict):
            ok = doc.get(key) in wanted["$in"]
        else:
            ok = doc.get(key) == wanted
        if not ok:
            return False
    return True


class People:
    def __init__(self, left=()):
        self.docs = {
            (tenant, p): {
                "person_id": p,
                "org_unit_id": unit,
                "manager_id": manager,
                "active": p not in left,
            }
            for tenant in (TENANT, OTHER_TENANT)
            for p, unit, manager in PEOPLE
        }

    async def get(self, tenant_id, person_id):
        return self.docs.get((tenant_id, person_id))

    async def reports_of(self, tenant_id, person_id):
        below, frontier = set(), {person_id}
        while frontier:
            frontier = {
                d["person_id"]
                for (t, _), d in self.docs.items()
                if t == tenant_id and d["manager_id"] in frontier
            } - below
            below |= frontier
        return below


class OrgUnits:
    async def get(self, tenant_id, org_unit_id):
        return {"org_unit_id": org_unit_id, "ancestors": ancestors(org_unit_id)}

    async def subtree(self, tenant_id, org_unit_id):
        return [org_unit_id, *sorted(u for u, _, _ in UNITS if org_unit_id in ancestors(u))]


class Objectives:
    """The store's contract: tenant, equality filters and `visible_to(reader)` in one query."""

    async def get(self, tenant_id, objective_id):
        return next(
            (d for d in OBJECTIVES if d["_id"] == objective_id and d["tenant_id"] == tenant_id),
            None,
        )

    async def list(self, tenant_id, filters, limit, offset, reader):
        query = {"$and": [{"tenant_id": tenant_id}, filters, visible_to(reader)]}
        found = [d for d in OBJECTIVES if matches(d, query)]
        return found[offset : offset + limit] if limit else found[offset:]


def queries(left=()):
    return build_queries(Objectives(), OrgUnits(), People(left), cycles=None)


def principal(position, role):
    tenant, person = POSITIONS[position]
    return Principal(tenant, person, (role,))


@pytest.mark.parametrize("owner_type, visibility, position, role, reads, changes", list(cases()))
async def test_single_reads_and_the_query_filter_answer_as_the_matrix_says(
    owner_type, visibility, position, role, reads, changes
):
    read = queries()
    who = principal(position, role)
    objective_id = f"{owner_type}-{visibility}"
    assert (await read.objectives.objective(who, objective_id) is not None) is (
        reads and who.tenant_id == TENANT
    )
    listed = await read.objectives.objectives_list(who, {}, 0, 0)
    assert (objective_id in {d["_id"] for d in listed}) is reads


@pytest.mark.parametrize("position, role", [(p, r) for p in POSITIONS for r in ROLES])
async def test_the_query_filter_keeps_exactly_the_objectives_can_read_allows(position, role):
    read = queries()
    reader = await read.directory.reader(principal(position, role))
    query = {"$and": [{"tenant_id": reader.tenant_id}, visible_to(reader)]}
    in_query = {d["_id"] for d in OBJECTIVES if matches(d, query)}
    assert in_query == {d["_id"] for d in OBJECTIVES if can_read(d, reader)}


async def test_pages_are_cut_from_the_visible_objectives():
    read = queries()
    pages = [
        await read.objectives.objectives_list(principal("unit below", "member"), {}, 2, offset)
        for offset in (0, 2)
    ]
    assert [len(p) for p in pages] == [2, 2]


@pytest.mark.parametrize("position", ["same unit", "unit above"])
async def test_a_unit_owned_private_objective_is_read_by_the_unit_and_the_cto_above_it(position):
    assert (
        await queries().objectives.objective(principal(position, "member"), "org_unit-private")
        is not None
    )


async def test_the_cto_above_the_unit_reads_its_org_unit_objectives():
    read = queries()
    cto = principal("unit above", "member")
    assert await read.objectives.objective(cto, "person-org_unit") is not None
    assert await read.objectives.objective(cto, "person-private") is None


async def test_a_person_who_left_has_no_unit():
    read = queries(left=("peer",))
    assert (
        await read.objectives.objective(principal("same unit", "member"), "org_unit-org_unit")
        is None
    )
    assert (await read.directory.reader(principal("same unit", "member"))).org_units == frozenset()


def test_the_reader_comes_from_the_directory():
    person = {"person_id": "ana", "org_unit_id": "sales-eu", "active": True}
    unit = {"org_unit_id": "sales-eu", "ancestors": ["company", "sales"]}
    reader = reader_from(
        "acme", "ana", ("admin",), person, unit, ["bob", "ana"], ["sales-eu", "sales-eu-1"]
    )
    assert reader == Reader(
        "ana",
        True,
        frozenset({"company", "sales", "sales-eu"}),
        frozenset({"bob"}),
        frozenset({"admin"}),
        "acme",
        "sales-eu",
        frozenset({"sales-eu-1"}),
    )
    assert (
        reader_from("acme", "ana", (), {**person, "active": False}, unit, []).org_units
        == frozenset()
    )
    assert reader_from("acme", "ana", (), None, None, []) == Reader("ana", tenant_id="acme")


@pytest.mark.parametrize(
    "position, role, allowed",
    [
        ("owner", "member", True),
        ("manager chain", "member", True),
        ("same unit", "leader", False),
        ("other unit", "auditor", True),
        ("other unit", "integration", False),
        ("other unit", "admin", True),
    ],
)
async def test_the_check_ins_due_of_a_person_follow_the_shared_rule(position, role, allowed):
    reader = await queries().directory.reader(principal(position, role))
    assert can_read_work_of("dev", reader) is allowed
