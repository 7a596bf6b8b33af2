"""Rollover with lineage, and reading objectives and the whole alignment tree as of an earlier
time."""

import time
from datetime import UTC, datetime

import pytest

from okr_goals.alignment.commands import Align
from okr_goals.bootstrap import GoalFeatures
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import (
    Change,
    ChangeObjectiveStatus,
    CreateObjective,
    NewKeyResult,
    ReviseObjective,
)
from okr_goals.rollover.commands import RolloverCycle
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, NEXT_CYCLE, caller, seed

ARR = NewKeyResult("ARR", "increase_to", 1.0, start=10.0, target=20.0)


@pytest.fixture
def app() -> GoalFeatures:
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed(app)
    return app


def create(app, title, level="company", owner_id="acme", parents=()):
    command = CreateObjective(
        title,
        level,
        "org_unit",
        owner_id,
        CYCLE,
        key_results=(ARR,),
        aligned_to=tuple((str(p.id), 1.0) for p in parents),
    )
    return app.objectives.create_objective(command, ADMIN).objective


def moment() -> datetime:
    time.sleep(0.002)
    at = datetime.now(UTC)
    time.sleep(0.002)
    return at


def test_rollover_copies_unfinished_objectives_with_lineage_and_remapped_links(app):
    company = create(app, "Grow")
    dept = create(app, "Sell", "department", "sales", [company])
    done = create(app, "Finished", "department", "rnd")
    app.objectives.change_status(
        ChangeObjectiveStatus(Change(str(done.id), done.version), "closed"), ADMIN
    )
    report = app.rollover.rollover(RolloverCycle(CYCLE, NEXT_CYCLE), ADMIN)
    assert set(report.copies) == {str(company.id), str(dept.id)}
    assert report.skipped == {str(done.id): "status closed"}
    dept_copy = app.objectives.get_objective(ADMIN, report.copies[str(dept.id)])
    assert dept_copy.cycle_id == NEXT_CYCLE and dept_copy.status == "draft"
    assert dept_copy.parent_ids() == [report.copies[str(company.id)]]
    assert dept_copy.rolled_over_from["objective_id"] == str(dept.id)
    assert list(dept_copy.rolled_over_from["key_results"].values()) == [
        dept.key_results[0].key_result_id
    ]
    assert app.objectives.get_objective(ADMIN, dept.id).rolled_over_to["objective_id"] == str(
        dept_copy.id
    )
    again = app.rollover.rollover(RolloverCycle(CYCLE, NEXT_CYCLE), ADMIN)
    assert again.copies == {} and set(again.skipped.values()) == {
        "already rolled over",
        "status closed",
    }


def test_objective_as_of_a_time_shows_what_it_said_then(app):
    o = create(app, "Grow")
    before = moment()
    app.cycles.advance_cycle(AdvanceCycle(CYCLE, "active"), ADMIN)
    app.objectives.revise_objective(
        ReviseObjective(Change(str(o.id), o.version, "focus"), {"title": "Grow profitably"}), ADMIN
    )
    assert app.objectives.get_objective(ADMIN, o.id, at=before).title == "Grow"
    assert app.objectives.get_objective(ADMIN, o.id).title == "Grow profitably"


def test_alignment_tree_as_of_an_earlier_time_is_rebuilt_from_events(app):
    company = create(app, "Grow")
    sales = create(app, "Sell", "department", "sales", [company])
    first = moment()
    rnd = create(app, "Ship", "department", "rnd")
    team = create(app, "Checkout", "team", "web", [rnd])
    app.alignment.align(Align(Change(str(team.id), team.version), str(sales.id), 0.4), ADMIN)
    then = app.history.alignment_tree(ADMIN, CYCLE, first)
    now = app.history.alignment_tree(ADMIN, CYCLE)
    assert then["objective_count"] == 2 and now["objective_count"] == 4
    assert [r["title"] for r in then["roots"]] == ["Grow"]
    assert [c["title"] for c in then["roots"][0]["children"]] == ["Sell"]
    grow = next(r for r in now["roots"] if r["title"] == "Grow")
    assert grow["children"][0]["children"][0]["title"] == "Checkout"
    assert grow["children"][0]["children"][0]["weight"] == 0.4
    rnd_tree = app.history.alignment_tree(ADMIN, CYCLE, org_unit_id="rnd")
    assert [r["title"] for r in rnd_tree["roots"]] == ["Ship"]
    assert rnd_tree["roots"][0]["children"][0]["external_parents"] == [
        {"parent_objective_id": str(sales.id), "weight": 0.4}
    ]


def test_tree_hides_objectives_the_reader_may_not_see(app):
    create(app, "Grow")
    private = CreateObjective("Mine", "individual", "person", "dev", CYCLE, visibility="private")
    app.objectives.create_objective(private, caller("dev"))
    assert app.history.alignment_tree(caller("rep"), CYCLE)["objective_count"] == 1
    assert app.history.alignment_tree(caller("lead"), CYCLE)["objective_count"] == 2
