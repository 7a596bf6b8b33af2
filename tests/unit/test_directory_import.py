"""Directory import: all-or-nothing with a per-row report; re-importing changes nothing; moves and
departures are events."""

import pytest

from okr_goals.bootstrap import GoalFeatures
from okr_goals.directory.commands import ImportDirectory
from okr_goals.directory.files import UnreadableFile, from_csv
from okr_goals.errors import Forbidden, ImportRejected
from okr_shared.contracts import default_registry
from tests.support.goals import goal_features
from tests.support.org import ADMIN, ORG_UNITS, PEOPLE, caller, rows

PEOPLE_CSV = """person_id,name,email,manager_id,org_unit_id,locale,status
ceo,Cora CEO,cora@acme.test,,acme,en,
vps,Sam Sales,sam@acme.test,ceo,sales,,active
"""


@pytest.fixture
def app() -> GoalFeatures:
    return goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def full_import(app, people=PEOPLE, units=ORG_UNITS):
    return app.directory.import_directory(
        ImportDirectory(org_units=rows(units), people=rows(people)), ADMIN
    )


def stored(app) -> int:
    return app.store.recorder.max_notification_id() or 0


def test_reimporting_the_same_file_stores_nothing(app):
    first = full_import(app)
    assert (first.created, first.updated) == (len(ORG_UNITS) + len(PEOPLE), 0)
    before = stored(app)
    again = full_import(app)
    assert (again.created, again.updated, again.unchanged, again.events) == (
        0,
        0,
        len(ORG_UNITS) + len(PEOPLE),
        0,
    )
    assert stored(app) == before


def test_moves_and_departures_are_events(app):
    full_import(app)
    people = [dict(p) for p in PEOPLE]
    people[2].update(org_unit_id="rnd", manager_id="cto")
    people[5].update(status="left")
    report = full_import(app, people)
    assert (report.updated, report.left) == (2, 1)
    assert app.directory.get_person("acme", "rep").org_unit_id == "rnd"
    assert app.directory.get_person("acme", "dev").active is False
    events = [
        type(e).__name__ for e in app.store.events.get(app.directory.get_person("acme", "rep").id)
    ]
    assert events == ["Joined", "Moved"]


def test_broken_rows_are_all_reported_and_nothing_is_stored(app):
    units = [
        *ORG_UNITS,
        {"org_unit_id": "loop", "name": "Loop", "kind": "team", "parent_id": "nowhere"},
    ]
    people = [
        *PEOPLE,
        {"person_id": "x1", "name": "X", "email": "not-an-email", "org_unit_id": "web"},
        {"person_id": "x2", "name": "Y", "email": "y@acme.test", "manager_id": "ghost"},
        {"person_id": "ceo", "name": "Twice", "email": "t@acme.test"},
    ]
    with pytest.raises(ImportRejected) as err:
        full_import(app, people, units)
    pointers = {e["pointer"] for e in err.value.errors}
    assert pointers == {
        "#/org_units/4/parent_id",
        "#/people/6/email",
        "#/people/7/manager_id",
        "#/people/8/person_id",
    }
    assert all(e["line"] for e in err.value.errors)
    assert stored(app) == 0


def test_circular_org_units_are_refused(app):
    units = [
        *ORG_UNITS,
        {"org_unit_id": "a", "name": "A", "kind": "team", "parent_id": "b"},
        {"org_unit_id": "b", "name": "B", "kind": "team", "parent_id": "a"},
    ]
    with pytest.raises(ImportRejected) as err:
        full_import(app, [], units)
    assert {e["detail"] for e in err.value.errors} == {"would make the org-unit tree circular"}


def test_only_admins_import(app):
    with pytest.raises(Forbidden):
        app.directory.import_directory(ImportDirectory(org_units=rows(ORG_UNITS)), caller("ceo"))


def test_csv_rows_keep_their_line_numbers_and_empty_cells_are_absent():
    command = from_csv(PEOPLE_CSV, "people")
    assert [r.line for r in command.people] == [2, 3]
    assert (
        "manager_id" not in command.people[0].fields
        and command.people[1].fields["status"] == "active"
    )


def test_csv_with_unknown_columns_is_unreadable():
    with pytest.raises(UnreadableFile) as err:
        from_csv("person_id,salary\n1,100\n", "people")
    assert err.value.pointer == "#/header"


LONG_ROWS = [
    ("org_units", {"name": "n" * 201}, "name", 200),
    ("people", {"name": "n" * 201}, "name", 200),
    ("people", {"locale": "de-" + "-".join(["abcdefgh"] * 4)[:35]}, "locale", 35),
    ("people", {"email": "a" * 243 + "@example.com"}, "email", 254),
]


@pytest.mark.parametrize(
    "section, change, field, limit", LONG_ROWS, ids=[f"{s}-{f}" for s, _, f, _ in LONG_ROWS]
)
def test_fields_longer_than_the_published_contract_are_row_problems(
    app, section, change, field, limit
):
    units = [dict(u) for u in ORG_UNITS]
    people = [dict(p) for p in PEOPLE]
    (units if section == "org_units" else people)[0].update(change)
    assert len(change[field]) > limit
    with pytest.raises(ImportRejected) as err:
        full_import(app, people, units)
    assert err.value.errors == [
        {"pointer": f"#/{section}/0/{field}", "line": 2, "detail": f"at most {limit} characters"}
    ]
    assert stored(app) == 0


def test_the_import_limits_are_the_published_contracts():
    assert default_registry().max_lengths("goals", "OrgUnitCreated")["name"] == 200
    assert {
        k: v
        for k, v in default_registry().max_lengths("goals", "PersonJoined").items()
        if k in ("name", "email", "locale")
    } == {"name": 200, "email": 254, "locale": 35}
