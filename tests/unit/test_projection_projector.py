"""Routing of goal events to read models, and refreshing what a change derives even on
redelivery."""

import pytest

from okr_projections.bootstrap import build_projector
from okr_projections.documents import UnprojectableEvent
from tests.support.fake_stores import FakeStore
from tests.support.goal_events import created, meta


@pytest.fixture
def stores():
    return {name: FakeStore() for name in ("objectives", "org_units", "people", "cycles")}


async def test_an_objective_event_refreshes_the_rollup_of_the_objective_and_of_the_parent_it_names(
    stores,
):
    projector = build_projector(**stores)
    removed = {
        "objective_id": "o1",
        "parent_objective_id": "p1",
        "reason": None,
        "correction": False,
    }
    await projector.project("ObjectiveAlignmentRemoved", removed, meta(2))
    assert stores["objectives"].calls == [
        ("apply", "ObjectiveAlignmentRemoved"),
        ("rollup", "acme", "o1", ["p1"]),
    ]


async def test_a_duplicate_objective_event_still_completes_the_rollup():
    objectives = FakeStore(applied=False)
    projector = build_projector(objectives, FakeStore(), FakeStore(), FakeStore())
    assert not await projector.project("ObjectiveCreated", created(), meta(1))
    assert objectives.calls[-1] == ("rollup", "acme", "o1", [])


async def test_creating_or_moving_an_org_unit_refreshes_its_subtree_but_renaming_does_not(stores):
    projector = build_projector(**stores)
    await projector.project(
        "OrgUnitMoved", {"org_unit_id": "eu", "parent_id": "x", "previous_parent_id": "y"}, meta(2)
    )
    await projector.project(
        "OrgUnitRenamed", {"org_unit_id": "eu", "name": "n", "previous_name": "m"}, meta(3)
    )
    assert stores["org_units"].calls == [
        ("apply", "OrgUnitMoved"),
        ("subtree", "acme", "eu"),
        ("apply", "OrgUnitRenamed"),
    ]


@pytest.mark.parametrize(
    "event_type, store",
    [
        ("PersonJoined", "people"),
        ("PersonLeft", "people"),
        ("CyclePlanned", "cycles"),
        ("CycleClosed", "cycles"),
    ],
)
async def test_person_and_cycle_events_go_to_their_read_model(stores, event_type, store):
    await build_projector(**stores).project(event_type, {}, meta(1))
    assert [name for name, s in stores.items() if s.calls] == [store]


async def test_an_event_no_read_model_takes_is_unprojectable(stores):
    with pytest.raises(UnprojectableEvent, match="KeyResultCheckedIn"):
        await build_projector(**stores).project("KeyResultCheckedIn", {}, meta(1))
