"""The shared access rules answer the whole matrix, and the README states the same matrix."""

import pytest

from okr_shared import access
from tests.support.access_matrix import (
    EXPECTED,
    GOAL_UNIT,
    OWNERS,
    PEOPLE,
    POSITIONS,
    TENANT,
    UNITS,
    cases,
    readme_table,
)

PARENT = {unit: parent for unit, parent, _ in UNITS}
PERSON = {person: (unit, manager) for person, unit, manager in PEOPLE}


def line(unit):
    return (unit, *line(PARENT[unit])) if unit else ()


def managers(person):
    manager = PERSON[person][1]
    return (manager, *managers(manager)) if manager else ()


def actor(position, role, tenant_and_person=None):
    tenant, person = tenant_and_person or POSITIONS[position]
    return access.Actor(tenant, person, frozenset({role}), line(PERSON[person][0]))


def goal(owner_type, visibility):
    owner = OWNERS[owner_type]
    chain = managers(owner) if owner_type == "person" else ()
    return access.GoalFacts(TENANT, owner_type, owner, visibility, line(GOAL_UNIT), chain)


@pytest.mark.parametrize("owner_type, visibility, position, role, reads, changes", list(cases()))
def test_every_position_and_role_reads_and_changes_as_the_matrix_says(
    owner_type, visibility, position, role, reads, changes
):
    who, what = actor(position, role), goal(owner_type, visibility)
    assert access.may_read(who, what) is reads
    assert access.may_change(who, what) is changes


def test_the_matrix_covers_every_owner_position_and_role():
    assert len(list(cases())) == 2 * 3 * 7 * 6


def test_the_readme_states_the_same_matrix():
    assert readme_table() == EXPECTED


@pytest.mark.parametrize("owner_type", ["person", "org_unit"])
@pytest.mark.parametrize("visibility", ["public", "org_unit", "private"])
@pytest.mark.parametrize("role", access.ROLES)
def test_whoever_may_change_a_goal_may_read_it(owner_type, visibility, role):
    for position in POSITIONS:
        who, what = actor(position, role), goal(owner_type, visibility)
        assert access.may_read(who, what) or not access.may_change(who, what)


def test_a_departed_person_has_no_unit_but_keeps_the_rights_of_the_manager_chain():
    departed = access.Actor(TENANT, "boss", frozenset(), ())
    assert access.may_change(departed, goal("person", "private"))
    assert not access.may_read(
        access.Actor(TENANT, "peer", frozenset(), ()), goal("org_unit", "org_unit")
    )


def test_a_token_without_roles_is_a_member_and_roles_add_up():
    peer = actor("same unit", "member")
    assert access.may_change(
        access.Actor(TENANT, "peer", frozenset(), peer.unit_line), goal("org_unit", "private")
    )
    both = access.Actor(TENANT, "dev", frozenset({"auditor", "integration"}), line("web"))
    assert not access.may_change(both, goal("person", "private"))
    assert access.may_change(
        access.Actor(TENANT, "dev", frozenset({"auditor", "member"}), line("web")),
        goal("person", "private"),
    )


def key_result(what, owner_id=None, contributors=()):
    people = access.answerable_for(what, owner_id, contributors)
    return access.KeyResultFacts(owner_id, people, [m for p in sorted(people) for m in managers(p)])


@pytest.mark.parametrize(
    "person, owner_id, contributors, allowed",
    [
        ("rep", "rep", (), True),
        ("boss", "dev", (), True),
        ("tester", None, ("tester",), True),
        ("peer", "dev", (), False),
        ("cto", "dev", (), False),
    ],
)
def test_check_ins_come_from_the_answerable_people_and_everyone_above_them(
    person, owner_id, contributors, allowed
):
    what = goal("person", "private")
    who = access.Actor(TENANT, person, frozenset(), line(PERSON[person][0]))
    assert access.may_check_in(who, what, key_result(what, owner_id, contributors)) is allowed


def test_without_a_key_result_owner_the_owning_person_or_the_owning_unit_and_above_answer():
    person_goal, unit_goal = goal("person", "public"), goal("org_unit", "public")
    assert access.may_check_in(
        actor("manager chain", "member"), person_goal, key_result(person_goal)
    )
    for position, allowed in [
        ("same unit", True),
        ("unit above", True),
        ("unit below", False),
        ("manager chain", False),
    ]:
        assert (
            access.may_check_in(actor(position, "member"), unit_goal, key_result(unit_goal))
            is allowed
        )
    owned = key_result(unit_goal, "rep")
    assert not access.may_check_in(actor("same unit", "member"), unit_goal, owned)


@pytest.mark.parametrize(
    "role, position, allowed",
    [
        ("admin", "other unit", True),
        ("integration", "other unit", True),
        ("auditor", "unit below", False),
        ("leader", "other unit", False),
        ("admin", "other tenant", False),
        ("integration", "other tenant", False),
    ],
)
def test_check_ins_by_role_stay_within_the_tenant(role, position, allowed):
    what = goal("person", "private")
    assert access.may_check_in(actor(position, role), what, key_result(what, "tester")) is allowed


@pytest.mark.parametrize(
    "field, allowed",
    [
        ("status", True),
        ("title", False),
        ("owner_id", False),
        ("due_on", False),
        ("deliverable", False),
    ],
)
def test_an_initiative_owner_who_may_not_change_the_objective_only_moves_its_status(field, allowed):
    what = goal("org_unit", "public")
    assert (
        access.may_revise_initiative(actor("other unit", "member"), what, "rep", field) is allowed
    )
    assert access.may_revise_initiative(actor("same unit", "member"), what, "rep", field)
    assert not access.may_revise_initiative(actor("unit below", "member"), what, "rep", field)


@pytest.mark.parametrize(
    "position, role, allowed",
    [
        ("owner", "member", True),
        ("manager chain", "member", True),
        ("same unit", "leader", False),
        ("unit above", "member", False),
        ("other unit", "admin", True),
        ("other unit", "auditor", True),
        ("other unit", "integration", False),
        ("other tenant", "admin", False),
    ],
)
def test_the_work_of_a_person_is_seen_by_them_those_above_admins_and_auditors(
    position, role, allowed
):
    assert access.may_see_work_of(actor(position, role), TENANT, "dev", managers("dev")) is allowed


def test_deferred_facts_are_looked_up_once_and_only_when_needed():
    calls = []
    chain = access.Deferred(lambda: calls.append(1) or ["boss"])
    public = access.GoalFacts(TENANT, "person", "dev", "public", (), chain)
    assert access.may_read(actor("other unit", "member"), public) and calls == []
    private = access.GoalFacts(TENANT, "person", "dev", "private", (), chain)
    assert access.may_read(actor("manager chain", "member"), private)
    assert not access.may_read(actor("other unit", "member"), private)
    assert calls == [1] and list(chain) == ["boss"]
