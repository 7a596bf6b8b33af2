"""Retrospective events are contracts: each stored one is published valid against its schema,
in the `retrospective` stream, with the whole content and never the aggregate's history."""

import pytest

from okr_reviews.contracts import to_cloud_event
from okr_reviews.retrospectives.commands import ReviseRetrospective, WriteRetrospective
from okr_shared.contracts import ContractViolation, default_registry, vocabulary
from okr_shared.event_meta import Caller
from tests.support.catalogue import catalogue
from tests.support.org import CYCLE, NEXT_CYCLE, caller
from tests.support.reviews import World


def published(world):
    registry = default_registry()
    found = []
    for notification in world.store.recorder.select_notifications(0, 1000):
        event = to_cloud_event(world.store.mapper.to_domain_event(notification), registry)
        if event is not None and event.schema_name.startswith("Retrospective"):
            registry.validate("reviews", event.schema_name, event.schema_version, event.data)
            found.append(event)
    return found


def test_retrospective_events_form_their_own_stream_and_are_catalogued():
    names = {"RetrospectiveWritten", "RetrospectiveRevised"}
    assert vocabulary.events_of("reviews", "retrospective") == names
    assert {catalogue("okr.reviews.v1")[name] for name in names} == {1}
    assert vocabulary.RETROSPECTIVE_SHARINGS == ("team", "shared")


def test_every_stored_retrospective_event_is_published_in_its_contract():
    world = World()
    world.grade()
    later = world.objective_in(NEXT_CYCLE, "Next")
    handlers = world.service.retrospectives
    content = {"worked": ["demos"], "next_steps": [{"text": "go", "objective_id": str(later.id)}]}
    view = handlers.write(
        WriteRetrospective(CYCLE, str(world.personal.id), None, content, "team"), caller("dev")
    )
    lead = Caller(meta=caller("lead").meta, roles=frozenset({"manager"}))
    handlers.write(WriteRetrospective(CYCLE, None, "web", {"lessons": ["less"]}, "shared"), lead)
    retrospective_id = str(view.retrospective.id)
    handlers.revise(
        ReviseRetrospective(retrospective_id, {"lessons": ["smaller"]}, "shared", 1), caller("lead")
    )
    events = published(world)
    assert [e.schema_name for e in events] == [
        "RetrospectiveWritten",
        "RetrospectiveWritten",
        "RetrospectiveRevised",
    ]
    written, team, revised = events
    assert written.subject == retrospective_id and written.sequence == 1
    assert written.data["next_steps"] == [{"text": "go", "objective_id": str(later.id)}]
    assert written.data["org_unit_id"] is None and team.data["objective_id"] is None
    assert revised.data == {
        "retrospective_id": retrospective_id,
        "cycle_id": CYCLE,
        "objective_id": str(world.personal.id),
        "org_unit_id": None,
        "sharing": "shared",
        "worked": [],
        "did_not_work": [],
        "lessons": ["smaller"],
        "next_steps": [],
    }
    assert revised.actorid == "lead" and revised.sequence == 2


def test_the_contract_refuses_what_the_domain_refuses():
    registry = default_registry()
    data = {
        "retrospective_id": "00000000-0000-4000-8000-000000000001",
        "cycle_id": CYCLE,
        "objective_id": None,
        "org_unit_id": "web",
        "sharing": "team",
        "worked": ["ok"],
        "did_not_work": [],
        "lessons": [],
        "next_steps": [],
    }
    registry.validate("reviews", "RetrospectiveWritten", 1, data)
    for change in ({"worked": ["x" * 501]}, {"sharing": "all"}, {"lessons": [""]}):
        with pytest.raises(ContractViolation):
            registry.validate("reviews", "RetrospectiveWritten", 1, {**data, **change})
