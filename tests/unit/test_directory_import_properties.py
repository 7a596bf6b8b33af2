"""Properties of the directory import for any rows a file may hold: a typed rejection naming
every problem, or an import that a second run of the same file leaves untouched."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okr_goals.bootstrap import GoalFeatures
from okr_goals.directory.commands import ImportDirectory, ImportRow
from okr_goals.errors import ImportRejected
from tests.support.directory_files import valid_directories
from tests.support.goals import goal_features
from tests.support.org import ADMIN

PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNIT_FIELDS = ("org_unit_id", "name", "kind", "parent_id")
PERSON_FIELDS = ("person_id", "name", "email", "manager_id", "org_unit_id", "locale", "status")
POINTER = re.compile(r"^#/(org_units|people)/\d+/[a-z_]+$")

cell = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["company", "team", "left", "acme", "en"]),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)


def fields(names):
    keys = st.sampled_from([*names, "extra"]) | st.text(max_size=5)
    return st.dictionaries(keys, cell, max_size=9)


def as_rows(items):
    return tuple(ImportRow(i, i + 2, item) for i, item in enumerate(items))


def new_app() -> GoalFeatures:
    return goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def stored(app) -> int:
    return app.store.recorder.max_notification_id() or 0


@PROPERTY
@given(st.lists(fields(UNIT_FIELDS), max_size=5), st.lists(fields(PERSON_FIELDS), max_size=5))
def test_arbitrary_rows_are_imported_or_rejected_with_every_problem_located(units, people):
    app = new_app()
    command = ImportDirectory(org_units=as_rows(units), people=as_rows(people))
    try:
        app.directory.import_directory(command, ADMIN)
    except ImportRejected as rejected:
        assert rejected.errors and stored(app) == 0
        sections = {"org_units": command.org_units, "people": command.people}
        for problem in rejected.errors:
            assert POINTER.match(problem["pointer"]), problem
            section, index = problem["pointer"].split("/")[1:3]
            assert problem["line"] == sections[section][int(index)].line
            assert isinstance(problem["detail"], str) and problem["detail"].strip()


@PROPERTY
@given(valid_directories())
def test_a_valid_file_imported_twice_stores_nothing_the_second_time(directory):
    units, people = directory
    app = new_app()
    command = ImportDirectory(org_units=as_rows(units), people=as_rows(people))
    first = app.directory.import_directory(command, ADMIN)
    assert first.created + first.unchanged == len(units) + len(people)
    after_first = stored(app)
    again = app.directory.import_directory(command, ADMIN)
    assert (again.created, again.updated, again.left, again.events) == (0, 0, 0, 0)
    assert stored(app) == after_first


@PROPERTY
@given(valid_directories())
def test_a_rejected_file_stores_nothing_even_on_top_of_an_imported_one(directory):
    units, people = directory
    app = new_app()
    app.directory.import_directory(
        ImportDirectory(org_units=as_rows(units), people=as_rows(people)), ADMIN
    )
    before = stored(app)
    renamed = [dict(p, name=f"{p['name']} renamed") for p in people]
    broken = [*renamed, {"person_id": "zz-new", "name": "New", "email": "not an e-mail"}]
    command = ImportDirectory(org_units=as_rows(units), people=as_rows(broken))
    try:
        app.directory.import_directory(command, ADMIN)
    except ImportRejected as rejected:
        assert f"#/people/{len(renamed)}/email" in {p["pointer"] for p in rejected.errors}
    else:
        raise AssertionError("a file with a broken e-mail address was imported")
    assert stored(app) == before


@PROPERTY
@given(valid_directories())
def test_every_imported_manager_is_in_the_directory(directory):
    units, people = directory
    app = new_app()
    app.directory.import_directory(
        ImportDirectory(org_units=as_rows(units), people=as_rows(people)), ADMIN
    )
    for row in people:
        person = app.directory.get_person("acme", row["person_id"])
        if person is not None and person.manager_id is not None:
            assert app.directory.get_person("acme", person.manager_id) is not None


def test_a_manager_who_leaves_before_ever_joining_is_an_unknown_person():
    units = [{"org_unit_id": "acme", "name": "Acme", "kind": "company"}]
    people = [
        {"person_id": "p0", "name": "Boss", "email": "boss@acme.test", "status": "left"},
        {"person_id": "p1", "name": "Worker", "email": "w@acme.test", "manager_id": "p0"},
    ]
    app = new_app()
    try:
        app.directory.import_directory(
            ImportDirectory(org_units=as_rows(units), people=as_rows(people)), ADMIN
        )
    except ImportRejected as exc:
        assert [e["pointer"] for e in exc.errors] == ["#/people/1/manager_id"]
    else:
        raise AssertionError("the import was accepted")
    assert stored(app) == 0
