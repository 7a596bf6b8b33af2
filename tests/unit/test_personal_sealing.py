"""Sealed personal values: deterministic per person, unreadable once the key is erased, checked
against the contracts as text, and published opened."""

import asyncio
import dataclasses
from datetime import UTC, datetime

import pytest

from okr_goals import keys
from okr_goals.directory.domain import Person
from okr_goals.errors import InvalidField
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractViolation, default_registry
from okr_shared.event_meta import EventMeta
from okr_shared.personal import (
    ERASED,
    MemoryKeyTable,
    OpeningPublisher,
    PersonalData,
    SqlKeyTable,
    is_sealed,
)
from okr_shared.personal.publisher import opening_publisher
from tests.support.goals import goal_features


@pytest.fixture
def personal():
    return PersonalData(MemoryKeyTable())


def test_a_sealed_value_opens_to_its_text_and_hides_it(personal):
    sealed = personal.seal("acme", "dev", "Dan Dev")
    assert is_sealed(sealed) and "Dan" not in sealed
    assert personal.open(sealed) == "Dan Dev"


def test_sealing_is_deterministic_per_person_and_differs_between_people(personal):
    assert personal.seal("acme", "dev", "same") == personal.seal("acme", "dev", "same")
    assert personal.seal("acme", "dev", "same") != personal.seal("acme", "rep", "same")
    assert personal.seal("acme", "dev", "same") != personal.seal("globex", "dev", "same")


def test_empty_none_plain_and_sealed_values_pass_as_they_are(personal):
    sealed = personal.seal("acme", "dev", "x")
    assert personal.seal("acme", "dev", "") == ""
    assert personal.seal("acme", "dev", None) is None
    assert personal.seal("acme", "dev", sealed) == sealed
    assert personal.open("plain text") == "plain text"


def test_an_erased_key_leaves_the_value_unreadable_and_a_new_key_is_made_after(personal):
    before = personal.seal("acme", "dev", "secret plans")
    assert personal.erase("acme", "dev") == 1
    assert personal.open(before) is None
    assert personal.opened({"note": [before, "plain"]}) == {"note": [ERASED, "plain"]}
    after = personal.seal("acme", "dev", "secret plans")
    assert after != before and personal.open(after) == "secret plans"
    assert personal.open(before) is None
    assert personal.erase("acme", "nobody") == 0


def test_a_tampered_or_malformed_sealed_value_opens_to_none(personal):
    sealed = personal.seal("acme", "dev", "text")
    assert personal.open(sealed[:-4] + "AAA=") is None
    assert personal.open("sealed:v1:nokey:%%%") is None


def test_seal_all_and_opened_walk_dicts_lists_and_tuples(personal):
    value = {"note": {"progress": "p", "plans": ""}, "blockers": ["a", "b"]}
    sealed = personal.seal_all("acme", "dev", value)
    assert all(is_sealed(b) for b in sealed["blockers"]) and sealed["note"]["plans"] == ""
    assert personal.opened(sealed) == value
    assert personal.opened((sealed["blockers"][0],)) == ("a",)


def test_another_replica_reads_an_erased_key_only_until_its_cache_expires():
    keys_table, now = MemoryKeyTable(), [0.0]
    here = PersonalData(keys_table, cache_seconds=5, clock=lambda: now[0])
    there = PersonalData(keys_table, cache_seconds=5, clock=lambda: now[0])
    sealed = here.seal("acme", "dev", "text")
    assert there.open(sealed) == "text"
    here.erase("acme", "dev")
    assert here.open(sealed) is None
    now[0] = 6.0
    assert there.open(sealed) is None


def test_the_sqlite_key_table_keeps_one_key_per_person_until_it_is_deleted(tmp_path):
    table = SqlKeyTable(sqlite_path=str(tmp_path / "keys.db"))
    first = table.create("acme", "dev", b"k" * 64)
    assert table.create("acme", "dev", b"other" * 13) == first
    assert table.current("acme", "dev") == first
    assert table.find(first[0]) == ("acme", "dev", b"k" * 64)
    personal = PersonalData(table, cache_seconds=0)
    sealed = personal.seal("acme", "dev", "text")
    assert PersonalData(SqlKeyTable(sqlite_path=str(tmp_path / "keys.db"))).open(sealed) == "text"
    assert table.delete("acme", "dev") == 1
    assert table.find(first[0]) is None and personal.open(sealed) is None
    table.close()


def test_contracts_admit_sealed_and_erased_personal_values_but_check_the_opened_text(personal):
    registry = default_registry()
    data = {
        "person_id": "dev",
        "name": personal.seal("acme", "dev", "Dan"),
        "email": personal.seal("acme", "dev", "dan@acme.test"),
        "manager_id": None,
        "org_unit_id": None,
        "locale": "en",
    }
    registry.validate("goals", "PersonJoined", 1, data)
    registry.validate("goals", "PersonJoined", 1, {**data, "name": ERASED, "email": ERASED})
    with pytest.raises(ContractViolation) as refused:
        registry.validate_opened(
            "goals", "PersonJoined", 1, {**personal.opened(data), "name": ERASED}
        )
    assert refused.value.field == ("name",)
    registry.validate_opened("goals", "PersonJoined", 1, personal.opened(data))
    assert registry.max_lengths("goals", "PersonJoined")["name"] == 200


def test_a_field_not_marked_personal_does_not_admit_the_erased_marker():
    with pytest.raises(ContractViolation) as refused:
        default_registry().validate(
            "goals", "PersonalDataErased", 1, {"person_id": "dev", "reason": ERASED}
        )
    assert refused.value.field == ("reason",)


def _joined(app, name: str) -> Person:
    personal = app.store.personal
    meta = EventMeta("acme", "ceo", "c", "r")
    return Person.join(
        aggregate_id=keys.person_uuid("acme", "x1"),
        person_id="x1",
        name=personal.seal("acme", "x1", name),
        email=personal.seal("acme", "x1", "x1@acme.test"),
        manager_id=None,
        org_unit_id=None,
        locale="en",
        meta=meta,
    )


def test_the_store_checks_the_text_limits_not_the_sealed_strings_length():
    app = goal_features()
    longest = _joined(app, "n" * 200)
    assert len(longest.name) > 200
    app.store.save_checked([longest])
    assert app.store.find_person("acme", "x1") is not None


def test_the_store_refuses_a_sealed_text_over_its_limit_naming_the_field_and_stores_nothing():
    app = goal_features()
    with pytest.raises(InvalidField) as refused:
        app.store.save_checked([_joined(app, "n" * 201)])
    assert refused.value.field == "#/name"
    assert app.store.recorder.max_notification_id() is None


class _Recording:
    def __init__(self):
        self.published, self.raw = [], []

    async def publish(self, topic, events):
        self.published += [(topic, e) for e in events]

    async def send_raw(self, topic, key, value, headers):
        self.raw.append((topic, key, value, headers))


def _event(data) -> CloudEvent:
    return CloudEvent(
        id="e1",
        source="/okr/checkins",
        type="okr.checkins.FeedbackGiven",
        subject="o1",
        time=datetime(2026, 2, 1, tzinfo=UTC),
        dataschema="urn:okr:schema:checkins:FeedbackGiven:1",
        data=data,
        tenantid="acme",
        actorid="dev",
        correlationid="c",
        causationid="r",
        sequence=1,
    )


def test_the_publisher_opens_every_sealed_value_and_publishes_erased_ones_as_the_marker(personal):
    inner = _Recording()
    publisher = OpeningPublisher(inner, personal)
    sealed = _event({"text": personal.seal("acme", "dev", "Great work"), "kind": "praise"})
    asyncio.run(publisher.publish("t", [sealed]))
    personal.erase("acme", "dev")
    asyncio.run(publisher.publish("t", [sealed]))
    asyncio.run(publisher.send_raw("dlq", b"k", b"v", []))
    assert [e.data["text"] for _, e in inner.published] == ["Great work", ERASED]
    assert inner.published[0][1] == dataclasses.replace(sealed, data=inner.published[0][1].data)
    assert is_sealed(sealed.data["text"])
    assert inner.raw == [("dlq", b"k", b"v", [])]


def test_every_relay_publisher_is_wrapped_once_with_the_stores_keys():
    app = goal_features()
    wrapped = opening_publisher(_Recording(), app.store)
    assert isinstance(wrapped, OpeningPublisher) and wrapped.personal is app.store.personal
    assert opening_publisher(wrapped, app.store) is wrapped
