"""Who may read an objective: public, org-unit and private visibility."""

import pytest
from okr_projections.domain.visibility import Reader, can_read, reader_from

ANA = Reader("ana")


def objective(visibility, owner_id="bob", owner_type="person", org_unit_id="sales-eu"):
    return {"visibility": visibility, "owner_type": owner_type, "owner_id": owner_id, "org_unit_id": org_unit_id}


@pytest.mark.parametrize("visibility", ["public", "org_unit", "private"])
def test_the_owner_and_admins_read_every_visibility(visibility):
    assert can_read(objective(visibility, owner_id="ana"), ANA)
    assert can_read(objective(visibility), Reader("root", is_admin=True))


def test_everyone_reads_a_public_objective():
    assert can_read(objective("public"), ANA)


def test_org_unit_objectives_are_read_within_the_unit_and_below_it():
    assert can_read(objective("org_unit"), Reader("ana", org_units=frozenset({"sales-eu"})))
    assert can_read(objective("org_unit", org_unit_id="sales"),
                    Reader("ana", org_units=frozenset({"sales-eu", "sales", "company"})))
    assert not can_read(objective("org_unit", org_unit_id="sales-eu"),
                        Reader("ana", org_units=frozenset({"sales", "company"})))
    assert not can_read(objective("org_unit"), ANA)


def test_people_above_the_owner_read_org_unit_and_private_objectives():
    manager = Reader("ana", reports=frozenset({"bob"}))
    assert can_read(objective("org_unit", org_unit_id="elsewhere"), manager)
    assert can_read(objective("private"), manager)


def test_a_private_objective_is_hidden_from_the_owners_unit_and_reports():
    colleague = Reader("ana", org_units=frozenset({"sales-eu"}), reports=frozenset({"carl"}))
    assert not can_read(objective("private"), colleague)


def test_a_private_objective_of_an_org_unit_is_read_by_admins_only():
    owned_by_unit = objective("private", owner_type="org_unit", owner_id="sales-eu")
    assert not can_read(owned_by_unit, Reader("ana", org_units=frozenset({"sales-eu"}), reports=frozenset({"sales-eu"})))
    assert can_read(owned_by_unit, Reader("root", is_admin=True))


def test_a_person_id_equal_to_the_owning_units_id_is_not_the_owner():
    assert not can_read(objective("private", owner_type="org_unit", owner_id="ana"), ANA)


def test_the_reader_comes_from_the_directory_and_a_person_who_left_belongs_to_no_unit():
    person = {"person_id": "ana", "org_unit_id": "sales-eu", "active": True}
    unit = {"org_unit_id": "sales-eu", "ancestors": ["company", "sales"]}
    reader = reader_from("ana", ("admin",), person, unit, ["bob", "ana"])
    assert reader == Reader("ana", True, frozenset({"company", "sales", "sales-eu"}), frozenset({"bob"}))
    assert reader_from("ana", (), {**person, "active": False}, unit, []).org_units == frozenset()
    assert reader_from("ana", (), None, None, []) == Reader("ana")
