"""The access facts built from knowledge documents: chains stop at loops, departed people have
no unit."""

from okr_shared import access_facts
from okr_shared.event_meta import Caller, EventMeta

DOCS = {
    ("person", "ada"): {"manager_id": "bob", "org_unit_id": "rnd", "active": True},
    ("person", "bob"): {"manager_id": "cyd", "org_unit_id": "eng", "active": True},
    ("person", "cyd"): {"manager_id": "bob", "org_unit_id": "eng", "active": False},
    ("org_unit", "rnd"): {"parent_id": "eng"},
    ("org_unit", "eng"): {"parent_id": "rnd"},
}


def lookup(kind, key):
    return DOCS.get((kind, key))


def test_the_manager_chain_stops_at_a_loop():
    assert access_facts.manager_chain(lookup, "ada") == ["bob", "cyd"]
    assert access_facts.manager_chain(lookup, "nobody") == []


def test_the_unit_ancestry_stops_at_a_loop():
    assert access_facts.unit_ancestry(lookup, "rnd") == ["rnd", "eng"]
    assert access_facts.unit_ancestry(lookup, None) == []


def test_a_departed_person_has_no_unit_line():
    def actor(person):
        meta = EventMeta("t1", person, "corr", "cause")
        return access_facts.actor_of(lookup, Caller(meta, frozenset()))

    assert list(actor("ada").unit_line) == ["rnd", "eng"]
    assert list(actor("cyd").unit_line) == []


def test_a_goal_s_facts_come_from_its_owner_and_unit():
    objective = {"owner_type": "person", "owner_id": "ada", "visibility": "private"}
    facts = access_facts.goal_facts(lookup, "t1", objective | {"org_unit_id": "rnd"})
    assert list(facts.owner_managers) == ["bob", "cyd"]
    assert list(facts.unit_line) == ["rnd", "eng"]
