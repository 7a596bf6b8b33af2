"""Nothing is stored that breaks its published contract: the relay could never publish it."""

import uuid

import pytest
from fastapi.testclient import TestClient

from okr_checkins.check_ins.domain import KeyResultLog
from okr_checkins.store import CheckinsStore
from okr_goals import keys
from okr_goals.bootstrap import GoalFeatures, bootstrap
from okr_goals.directory.domain import OrgUnit, Person
from okr_goals.http import create_http_app
from okr_goals.settings import GoalsSettings
from okr_shared.contracts import ContractViolation
from okr_shared.errors import InvalidField
from tests.support.goals import goal_features
from tests.support.org import ADMIN, TENANT, seed

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture
def app() -> GoalFeatures:
    app = goal_features(env=POPO)
    seed(app)
    return app


def stored(store) -> int:
    return store.recorder.max_notification_id() or 0


def new_unit(name: str) -> OrgUnit:
    return OrgUnit.found(
        aggregate_id=keys.org_unit_uuid(TENANT, "co"),
        org_unit_id="co",
        name=name,
        kind="company",
        parent_id=None,
        meta=ADMIN.meta,
    )


def new_person(**fields) -> Person:
    values = {
        "name": "Ada",
        "email": "ada@acme.test",
        "manager_id": None,
        "org_unit_id": "web",
        "locale": "en",
        **fields,
    }
    return Person.join(
        aggregate_id=keys.person_uuid(TENANT, "ada"), person_id="ada", meta=ADMIN.meta, **values
    )


def refused(store, *aggregates) -> InvalidField:
    before = stored(store)
    with pytest.raises(InvalidField) as err:
        store.save(*aggregates)
    assert stored(store) == before
    return err.value


def test_a_new_org_unit_with_a_201_character_name_is_refused_naming_the_field(app):
    err = refused(app.store, new_unit("n" * 201))
    assert (err.status, err.field, err.message) == (422, "#/name", "at most 200 characters")
    assert isinstance(err.__cause__, ContractViolation)


def test_a_rename_beyond_the_contract_is_refused(app):
    unit = app.directory.get_org_unit(TENANT, "web")
    unit.rename("n" * 201, ADMIN.meta)
    assert refused(app.store, unit).field == "#/name"


@pytest.mark.parametrize(
    "fields, pointer",
    [
        ({"name": "n" * 201}, "#/name"),
        ({"locale": "de-" + "-".join(["abcdefgh"] * 4)}, "#/locale"),
        ({"email": "a" * 243 + "@example.com"}, "#/email"),
    ],
)
def test_a_person_beyond_the_contract_is_refused(app, fields, pointer):
    assert refused(app.store, new_person(**fields)).field == pointer


def test_changed_details_name_the_request_field_not_the_event_field(app):
    person = app.directory.get_person(TENANT, "dev")
    person.change_details({"email": "a" * 243 + "@example.com"}, ADMIN.meta)
    assert refused(app.store, person).field == "#/email"


def test_one_bad_aggregate_stores_nothing_of_the_others(app):
    assert refused(app.store, new_person(), new_unit("n" * 201)).field == "#/name"
    assert app.directory.get_person(TENANT, "ada") is None


def test_a_new_aggregate_is_its_own_first_version_for_events_without_their_key(app):
    person = new_person()
    person.move("rnd", "cto", ADMIN.meta)  # Moved names no person: its key is the first version's
    app.store.save(person)
    assert app.directory.get_person(TENANT, "ada").org_unit_id == "rnd"


def test_the_injected_published_form_is_what_is_checked():
    def strict(event, _first):
        raise ContractViolation("test contract", ("title",), "too bold")

    app = goal_features(env=POPO, published_form=strict)
    assert refused(app.store, new_unit("Acme")).field == "#/title"


KR_ID, OBJECTIVE_ID = str(uuid.uuid4()), str(uuid.uuid4())


def test_check_ins_beyond_the_contract_are_refused_too():
    # Ids are UUIDs, as the contract requires: only the confidence breaks it.
    app = CheckinsStore(env=POPO)
    at = "2026-02-16T12:00:00+00:00"
    log = KeyResultLog.open(uuid.uuid4(), TENANT, KR_ID, OBJECTIVE_ID)
    log.record(
        {
            "check_in_id": str(uuid.uuid4()),
            "objective_id": OBJECTIVE_ID,
            "key_result_id": KR_ID,
            "value": 1.0,
            "confidence": 11,
            "confidence_band": "on_track",
            "note": {"progress": "", "plans": "", "problems": ""},
            "blockers": [],
            "effective_at": at,
            "source": "manual",
            "source_key": None,
            "corrects": None,
            "reason": None,
            "recorded_at": at,
            "actor_id": "dev",
        },
        {**ADMIN.meta.as_dict(), "at": at},
    )
    err = refused(app, log)
    assert (err.field, err.message) == ("#/confidence", "at most 10")


@pytest.mark.parametrize(
    "body, pointer",
    [
        (
            {
                "org_units": [{"org_unit_id": "co", "name": "n" * 201, "kind": "company"}],
                "people": [],
            },
            "#/org_units/0/name",
        ),
        (
            {
                "org_units": [],
                "people": [{"person_id": "ada", "name": "n" * 201, "email": "ada@acme.test"}],
            },
            "#/people/0/name",
        ),
    ],
)
def test_importing_names_beyond_the_contract_answers_422_and_stores_nothing(issuer, body, pointer):
    container = bootstrap(GoalsSettings(event_store=POPO))
    store = container.store
    auth = {"Authorization": f"Bearer {issuer.issue(TENANT, 'ceo', roles=('admin',))}"}
    with TestClient(create_http_app(container, run_relay=False)) as client:
        response = client.post("/v1/directory/import", json=body, headers=auth)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [(e["pointer"], e["detail"]) for e in response.json()["errors"]] == [
        (pointer, "at most 200 characters")
    ]
    assert stored(store) == 0
