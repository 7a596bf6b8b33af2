"""The check-in service answers the access matrix from what it learned of goals."""

import pytest

from okr_checkins.knowledge import access
from okr_shared import access_facts
from okr_shared.errors import NotFound
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.access_matrix import caller_for, cases, seed_goals
from tests.support.checkins import POPO, checkins_service, learn_from
from tests.support.goals import goal_features


@pytest.fixture(scope="module")
def world():
    goals = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    objectives = seed_goals(goals)
    knowledge = MemoryKnowledge()
    learn_from(goals.store, knowledge)
    app = checkins_service(POPO, knowledge)
    return app, {key: str(o.id) for key, o in objectives.items()}


def readable(app, caller, objective_id) -> bool:
    try:
        app.feedback.feedback(caller, objective_id)
    except NotFound:
        return False
    return True


@pytest.mark.parametrize("owner_type, visibility, position, role, reads, changes", list(cases()))
def test_the_check_in_service_reads_as_the_matrix_says(
    world, owner_type, visibility, position, role, reads, changes
):
    app, ids = world
    assert readable(app, caller_for(position, role), ids[(owner_type, visibility)]) is reads


@pytest.mark.parametrize(
    "position, allowed",
    [
        ("same unit", True),
        ("unit above", True),
        ("unit below", False),
        ("manager chain", False),
        ("other tenant", False),
    ],
)
def test_a_unit_owned_private_objective_is_read_and_checked_in_on_by_the_unit_and_above(
    world, position, allowed
):
    app, ids = world
    caller = caller_for(position)
    assert readable(app, caller, ids[("org_unit", "private")]) is allowed
    objective = app.goals.knowledge.load(
        caller.tenant_id, "objective", ids[("org_unit", "private")]
    )[1]
    if objective is not None:
        (kr,) = objective["key_results"]
        assert (
            access.may_check_in(app.goals.lookup(caller.tenant_id), caller, objective, kr)
            is allowed
        )


def test_an_integration_checks_in_on_a_private_key_result_it_may_not_read(world):
    app, ids = world
    caller = caller_for("other unit", "integration")
    objective = app.goals.knowledge.load("acme", "objective", ids[("person", "private")])[1]
    (kr,) = objective["key_results"]
    lookup = app.goals.lookup("acme")
    assert not access_facts.may_read(lookup, caller, objective)
    assert access.may_see_key_result(lookup, caller, objective, kr)
