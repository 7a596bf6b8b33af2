"""Erasing a person's personal data: the key goes, the stored events (and so their published,
chained form) stay as they were, and every read shows the person's texts as erased."""

import asyncio

import pytest
from fastapi.testclient import TestClient

from okr_checkins.check_ins.commands import RecordCheckIn, Report
from okr_goals.bootstrap import bootstrap
from okr_goals.contracts import to_cloud_event
from okr_goals.directory.commands import ImportDirectory
from okr_goals.directory.schemas import person_view
from okr_goals.erasure.commands import ErasePersonalData
from okr_goals.errors import Forbidden, InvalidField, PersonNotFound
from okr_goals.http import create_http_app
from okr_goals.settings import GoalsSettings
from okr_projections.check_ins.domain import apply_check_in_event, erase_reporter
from okr_projections.check_ins.store import CheckInStore
from okr_projections.directory.domain import apply_person_event
from okr_shared.contracts import default_registry
from okr_shared.personal import ERASED, erase_on, is_sealed
from tests.support import check_in_events
from tests.support.checkins import World
from tests.support.goal_events import meta as goal_meta
from tests.support.memory_read_models import MemoryCollection, memory_client
from tests.support.org import ADMIN, PEOPLE, caller, rows, seed


def stored(store) -> int:
    return store.recorder.max_notification_id() or 0


def published(store) -> list:
    """Every stored event in its published (chained) form."""
    registry = default_registry()

    def first(e):
        return store.repository.get(e.originator_id, version=1)

    events = (
        to_cloud_event(store.mapper.to_domain_event(n), registry, first)
        for n in store.recorder.select_notifications(0, 10_000)
    )
    return [e for e in events if e is not None]


@pytest.fixture
def goals():
    container = bootstrap(GoalsSettings(event_store={"PERSISTENCE_MODULE": "eventsourcing.popo"}))
    seed(container.features)
    return container


def test_the_directory_stores_names_and_emails_sealed_and_reads_them_opened(goals):
    store = goals.store
    dev = store.find_person("acme", "dev")
    assert is_sealed(dev.name) and is_sealed(dev.email)
    joined = next(e for e in published(store) if e.subject == "dev")
    assert is_sealed(joined.data["name"]) and "Dan" not in str(joined.data)
    view = person_view(dev, store.personal)
    assert (view.name, view.email, view.erased) == ("Dan Dev", "dan@acme.test", False)


def test_importing_the_same_file_again_changes_nothing_though_values_are_sealed(goals):
    before = stored(goals.store)
    goals.features.directory.import_directory(ImportDirectory(people=rows(PEOPLE)), ADMIN)
    assert stored(goals.store) == before


def test_an_admin_erases_a_person_the_key_goes_and_the_stored_events_stay(goals):
    store = goals.store
    chained_before = published(store)
    erasure = goals.features.erasure.erase(ErasePersonalData("dev", " request 17 "), ADMIN)
    assert (erasure.reason, erasure.keys_deleted, erasure.already_erased) == (
        "request 17",
        1,
        False,
    )
    assert set(erasure.fields) == {"name", "email"}
    chained_after = published(store)
    assert chained_after[: len(chained_before)] == chained_before
    assert [e.type for e in chained_after[len(chained_before) :]] == [
        "okr.goals.PersonalDataErased"
    ]
    assert chained_after[-1].data == {"person_id": "dev", "reason": "request 17"}
    view = person_view(store.find_person("acme", "dev"), store.personal)
    assert (view.name, view.email, view.erased) == (None, None, True)
    assert person_view(store.find_person("acme", "rep"), store.personal).name == "Rita Rep"


def test_erasing_again_stores_nothing_and_says_so(goals):
    goals.features.erasure.erase(ErasePersonalData("dev", "request 17"), ADMIN)
    before = stored(goals.store)
    again = goals.features.erasure.erase(ErasePersonalData("dev", "request 17"), ADMIN)
    assert again.already_erased and again.keys_deleted == 0
    assert stored(goals.store) == before


def test_an_erased_person_stays_erased_when_the_hr_file_is_imported_again(goals):
    goals.features.erasure.erase(ErasePersonalData("dev", "request 17"), ADMIN)
    goals.features.directory.import_directory(ImportDirectory(people=rows(PEOPLE)), ADMIN)
    dev = goals.store.find_person("acme", "dev")
    assert person_view(dev, goals.store.personal).name is None


@pytest.mark.parametrize(
    "who, person, reason, refusal, pointer",
    [
        (caller("lead"), "dev", "request", Forbidden, "#"),
        (ADMIN, "nobody", "request", PersonNotFound, None),
        (caller("ceo", admin=True, tenant="globex"), "dev", "request", PersonNotFound, None),
        (ADMIN, "dev", "   ", InvalidField, "#/reason"),
        (ADMIN, "dev", "r" * 501, InvalidField, "#/reason"),
    ],
)
def test_a_refused_erasure_stores_nothing_and_keeps_the_key(
    goals, who, person, reason, refusal, pointer
):
    before = stored(goals.store)
    with pytest.raises(refusal) as refused:
        goals.features.erasure.erase(ErasePersonalData(person, reason), who)
    if pointer is not None:
        assert refused.value.field == pointer
    assert stored(goals.store) == before
    dev = goals.store.find_person("acme", "dev")
    assert goals.store.personal.open(dev.name) == "Dan Dev"


def test_the_erasure_route_answers_202_then_200_and_the_person_reads_as_erased(goals, issuer):
    admin = {"Authorization": f"Bearer {issuer.issue('acme', 'ceo', roles=('admin',))}"}
    with TestClient(create_http_app(goals, run_relay=False)) as client:
        first = client.post("/v1/people/dev/erasure", json={"reason": "ticket 9"}, headers=admin)
        again = client.post("/v1/people/dev/erasure", json={"reason": "ticket 9"}, headers=admin)
        person = client.get("/v1/directory/people/dev", headers=admin).json()
        listed = client.get("/v1/directory/people", headers=admin).json()["items"]
    assert first.status_code == 202, first.text
    assert first.json()["fields"] == ["name", "email"] and not first.json()["already_erased"]
    assert again.status_code == 200 and again.json()["already_erased"]
    assert (person["name"], person["email"], person["erased"]) == (None, None, True)
    assert next(p for p in listed if p["person_id"] == "rep")["name"] == "Rita Rep"


@pytest.mark.parametrize(
    "path, body, who, status, pointer",
    [
        ("/v1/people/dev/erasure", {"reason": "x"}, "lead", 403, "#"),
        ("/v1/people/nobody/erasure", {"reason": "x"}, "admin", 404, None),
        ("/v1/people/dev/erasure", {}, "admin", 422, "#/reason"),
        ("/v1/people/dev/erasure", {"reason": ""}, "admin", 422, "#/reason"),
        ("/v1/people/dev/erasure", {"reason": "x", "extra": 1}, "admin", 422, "#/extra"),
    ],
)
def test_a_refused_erasure_over_http_is_a_problem_naming_the_field(
    goals, issuer, path, body, who, status, pointer
):
    roles = ("admin",) if who == "admin" else ()
    headers = {
        "Authorization": f"Bearer {issuer.issue('acme', 'ceo' if roles else who, roles=roles)}"
    }
    before = stored(goals.store)
    with TestClient(create_http_app(goals, run_relay=False)) as client:
        r = client.post(path, json=body, headers=headers)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    if pointer is not None:
        assert pointer in [e["pointer"] for e in r.json()["errors"]]
    assert stored(goals.store) == before


def test_check_in_notes_are_stored_sealed_read_opened_and_erased_when_the_service_learns():
    world = World()
    report = Report(50.0, 6, {"progress": "half way", "problems": "vendor late"}, ("legal",))
    world.check_ins.record_check_in(RecordCheckIn(world.numeric, report), caller("dev"))
    stored_log = world.check_ins.log_of("acme", world.numeric)
    note = stored_log.check_ins[-1]["note"]
    assert is_sealed(note["progress"]) and note["plans"] == ""
    assert is_sealed(stored_log.check_ins[-1]["blockers"][0])
    [read] = world.check_ins.history(caller("dev"), world.numeric)
    assert read["note"]["progress"] == "half way" and read["blockers"] == ["legal"]
    events_before = list(world.store.recorder.select_notifications(0, 100))

    erased = erase_on(
        world.store.personal, "PersonalDataErased", "acme", {"person_id": "dev", "reason": "r"}
    )

    assert erased
    [read] = world.check_ins.history(caller("dev"), world.numeric)
    assert read["note"] == {"progress": ERASED, "plans": "", "problems": ERASED}
    assert read["blockers"] == [ERASED]
    assert world.check_ins.value(caller("dev"), world.numeric)["check_in"]["note"]["progress"] == ""
    events_after = list(world.store.recorder.select_notifications(0, 100))
    assert [n.state for n in events_after] == [n.state for n in events_before]


def test_a_check_in_with_a_4000_character_note_is_stored_though_sealed_it_is_longer():
    world = World()
    report = Report(50.0, 6, {"progress": "p" * 4000})
    world.check_ins.record_check_in(RecordCheckIn(world.numeric, report), caller("dev"))
    assert (
        len(world.check_ins.log_of("acme", world.numeric).check_ins[-1]["note"]["progress"]) > 4000
    )


def test_other_goal_events_erase_nothing():
    world = World()
    assert not erase_on(world.store.personal, "PersonLeft", "acme", {"person_id": "dev"})
    assert not erase_on(None, "PersonalDataErased", "acme", {"person_id": "dev"})


def test_the_people_read_model_shows_an_erased_person_as_erased():
    joined = {
        "person_id": "dev",
        "name": "Dan Dev",
        "email": "dan@acme.test",
        "manager_id": None,
        "org_unit_id": None,
        "locale": "en",
    }
    doc = apply_person_event(None, "PersonJoined", joined, goal_meta(1))
    doc = apply_person_event(
        doc, "PersonalDataErased", {"person_id": "dev", "reason": "r"}, goal_meta(2)
    )
    assert (doc["name"], doc["email"], doc["erased"], doc["version"]) == (None, None, True, 2)


def _log_with_two_reporters():
    doc = apply_check_in_event(None, check_in_events.recorded("c1"), check_in_events.meta(1))
    other = {**check_in_events.meta(2), "actor_id": "bo"}
    note = {"progress": "bo's", "plans": "", "problems": ""}
    return apply_check_in_event(doc, check_in_events.recorded("c2", note=note), other)


def test_erasing_a_reporter_empties_only_their_check_ins_texts():
    erased = erase_reporter(_log_with_two_reporters(), "ana")
    ana, bo = erased["check_ins"]
    assert ana["note"] == {"progress": "", "plans": "", "problems": ""} and ana["erased"]
    assert bo["note"]["progress"] == "bo's" and "erased" not in bo
    assert erase_reporter(erased, "ana") is None
    assert erase_reporter(erased, "nobody") is None


def test_the_check_in_read_model_erases_a_reporter_in_every_key_result_and_keeps_versions():
    collection = MemoryCollection()
    store = CheckInStore(memory_client(collection), "db")
    doc = _log_with_two_reporters()
    asyncio.run(collection.insert_one(doc))
    assert asyncio.run(store.erase_reporter("acme", "ana")) == 1
    assert asyncio.run(store.erase_reporter("acme", "ana")) == 0
    after = asyncio.run(store.get("acme", "k1"))
    assert after["version"] == doc["version"]
    assert [c.get("erased", False) for c in after["check_ins"]] == [True, False]
