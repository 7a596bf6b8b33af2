"""The goal application on an in-memory event store: rules of the OKR model, with fakes for nothing
else."""

import pytest

from okr_goals.alignment.commands import Align, DecideProposal
from okr_goals.bootstrap import GoalFeatures
from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.errors import (
    AlignmentCycle,
    CycleLocked,
    Forbidden,
    IdempotencyConflict,
    InvalidField,
    ObjectiveNotFound,
    UnknownReference,
    VersionConflict,
)
from okr_goals.objectives.commands import (
    AddInitiative,
    Change,
    CreateObjective,
    NewKeyResult,
    ReviseInitiative,
    ReviseKeyResult,
    ReviseObjective,
)
from tests.support.goals import goal_features
from tests.support.org import ADMIN, CYCLE, caller, seed

ARR = NewKeyResult("ARR", "increase_to", 0.5, start=10.0, target=20.0, unit="MEUR")
CHURN = NewKeyResult("Churn", "decrease_to", 0.5, start=5.0, target=2.0, unit="%")


@pytest.fixture
def app() -> GoalFeatures:
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed(app)
    return app


def objective(
    app,
    who=ADMIN,
    *,
    title="Grow revenue",
    level="company",
    owner_type="org_unit",
    owner_id="acme",
    krs=(ARR, CHURN),
    aligned_to=(),
    key=None,
    visibility="public",
):
    command = CreateObjective(
        title=title,
        level=level,
        owner_type=owner_type,
        owner_id=owner_id,
        cycle_id=CYCLE,
        key_results=krs,
        aligned_to=aligned_to,
        idempotency_key=key,
        visibility=visibility,
    )
    return app.objectives.create_objective(command, who).objective


def stored(app) -> int:
    return app.store.recorder.max_notification_id() or 0


def change(o, reason=None, correction=False):
    return Change(str(o.id), o.version, reason, correction)


def activate(app, state="active"):
    app.cycles.advance_cycle(AdvanceCycle(CYCLE, "active", "kick-off"), ADMIN)
    if state in ("grading", "closed"):
        app.cycles.advance_cycle(AdvanceCycle(CYCLE, "grading", "quarter over"), ADMIN)
    if state == "closed":
        app.cycles.advance_cycle(AdvanceCycle(CYCLE, "closed", "graded"), ADMIN)


def test_retried_create_with_same_idempotency_key_creates_nothing_twice(app):
    first = objective(app, key="req-1")
    before = stored(app)
    again = app.objectives.create_objective(
        CreateObjective(
            "Grow revenue",
            "company",
            "org_unit",
            "acme",
            CYCLE,
            key_results=(ARR, CHURN),
            idempotency_key="req-1",
        ),
        ADMIN,
    )
    assert again.replayed and again.objective.id == first.id
    assert stored(app) == before


def test_reused_idempotency_key_with_other_content_is_refused(app):
    objective(app, key="req-1")
    with pytest.raises(IdempotencyConflict):
        objective(app, key="req-1", title="Something else")


@pytest.mark.parametrize(
    "overrides, pointer",
    [
        ({"owner_id": "nobody", "owner_type": "person", "level": "individual"}, "#/owner_id"),
        ({"owner_id": "marketing"}, "#/owner_id"),
        (
            {"aligned_to": (("5a0b2b43-6c4e-4b8e-9f4e-2f7f3f7c8d11", 1.0),)},
            "#/aligned_to/0/parent_objective_id",
        ),
        (
            {"krs": (NewKeyResult("X", "increase_to", owner_id="ghost", start=0.0, target=1.0),)},
            "#/key_results/0/owner_id",
        ),
    ],
)
def test_unknown_owner_or_parent_is_named_and_nothing_is_stored(app, overrides, pointer):
    before = stored(app)
    with pytest.raises(UnknownReference) as err:
        objective(app, **overrides)
    assert err.value.field == pointer and stored(app) == before


def test_unknown_cycle_is_named(app):
    with pytest.raises(UnknownReference) as err:
        app.objectives.create_objective(
            CreateObjective("X", "company", "org_unit", "acme", "1999-Q1"), ADMIN
        )
    assert err.value.field == "#/cycle_id"


@pytest.mark.parametrize(
    "kr, pointer",
    [
        (NewKeyResult("Launch", "milestone", target=1.0), "#/key_results/0/target"),
        (
            NewKeyResult("Latency", "range", baseline=200.0, lower=300.0, upper=100.0),
            "#/key_results/0/lower",
        ),
        (
            NewKeyResult("Cost", "currency", start=1.0, target=2.0, currency="EURO"),
            "#/key_results/0/currency",
        ),
        (NewKeyResult("Cost", "currency", start=1.0, target=2.0), "#/key_results/0/currency"),
        (NewKeyResult("Share", "percentage", start=10.0, target=120.0), "#/key_results/0/target"),
        (NewKeyResult("Up", "increase_to", start=10.0, target=5.0), "#/key_results/0/target"),
        (
            NewKeyResult("Heavy", "increase_to", 1.5, start=0.0, target=5.0),
            "#/key_results/0/weight",
        ),
        (NewKeyResult("Down", "decrease_to", start=1.0), "#/key_results/0/target"),
    ],
)
def test_key_result_fields_that_disagree_with_the_kind_are_refused(app, kr, pointer):
    with pytest.raises(InvalidField) as err:
        objective(app, krs=(kr,))
    assert err.value.field == pointer


def test_every_key_result_kind_is_accepted_and_fewer_than_two_warns(app):
    kinds = (
        NewKeyResult("Launch", "milestone"),
        NewKeyResult("Latency", "range", baseline=200.0, lower=100.0, upper=250.0, unit="ms"),
        NewKeyResult("Revenue", "currency", start=0.0, target=5e6, currency="EUR"),
        NewKeyResult("Share", "percentage", start=10.0, target=25.0),
    )
    o = objective(app, krs=kinds)
    assert [kr.kind for kr in o.key_results] == ["milestone", "range", "currency", "percentage"]
    assert o.warnings() == []
    assert "recommended" in objective(app, krs=(ARR,)).warnings()[0]


def test_company_objectives_are_always_public(app):
    with pytest.raises(InvalidField) as err:
        objective(app, visibility="private")
    assert err.value.field == "#/visibility"


def test_a_person_cannot_set_goals_for_someone_outside_their_reports(app):
    with pytest.raises(Forbidden):
        objective(app, caller("rep"), level="individual", owner_type="person", owner_id="dev")
    mine = objective(
        app, caller("lead"), level="individual", owner_type="person", owner_id="dev", krs=(ARR,)
    )
    assert mine.org_unit_id == "web"


def test_alignment_that_would_close_a_circle_is_refused(app):
    a = objective(app, title="A", level="department", owner_id="sales")
    b = objective(
        app, title="B", level="department", owner_id="rnd", aligned_to=((str(a.id), 0.5),)
    )
    c = objective(
        app, title="C", level="department", owner_id="rnd", aligned_to=((str(b.id), 1.0),)
    )
    before = stored(app)
    with pytest.raises(AlignmentCycle) as err:
        app.alignment.align(Align(change(a), str(c.id), 1.0), ADMIN)
    assert err.value.field == "#/parent_objective_id" and str(a.id) in err.value.message
    assert stored(app) == before


def test_an_objective_may_support_several_parents_across_departments(app):
    sales = objective(app, title="Sell more", level="department", owner_id="sales")
    rnd = objective(app, title="Ship faster", level="department", owner_id="rnd")
    team = objective(
        app,
        title="Checkout",
        level="team",
        owner_id="web",
        aligned_to=((str(sales.id), 0.3), (str(rnd.id), 0.7)),
    )
    assert team.alignments == [
        {"parent_objective_id": str(sales.id), "weight": 0.3},
        {"parent_objective_id": str(rnd.id), "weight": 0.7},
    ]


def test_a_higher_level_objective_cannot_support_a_lower_one(app):
    team = objective(app, title="Team", level="team", owner_id="web")
    with pytest.raises(InvalidField) as err:
        objective(app, title="Co", aligned_to=((str(team.id), 1.0),))
    assert err.value.field == "#/aligned_to/0/parent_objective_id"


def test_bottom_up_proposal_is_decided_by_the_parent_owner(app):
    company = objective(app)
    team = objective(app, caller("lead"), title="Checkout", level="team", owner_id="web")
    outcome = app.alignment.align(
        Align(change(team), str(company.id), 0.5, note="we can help"), caller("lead")
    )
    assert not outcome.linked and team.alignments == []
    with pytest.raises(Forbidden):
        app.alignment.decide_proposal(
            DecideProposal(change(outcome.objective), outcome.proposal_id, True), caller("lead")
        )
    accepted = app.alignment.decide_proposal(
        DecideProposal(change(outcome.objective), outcome.proposal_id, True), caller("ceo")
    )
    assert accepted.alignments == [{"parent_objective_id": str(company.id), "weight": 0.5}]
    assert accepted.proposals == {}


def test_top_down_cascade_links_at_once(app):
    dept = objective(app, caller("cto"), title="Ship", level="department", owner_id="rnd")
    team = objective(
        app,
        caller("cto"),
        title="Checkout",
        level="team",
        owner_id="web",
        aligned_to=((str(dept.id), 1.0),),
    )
    assert team.parent_ids() == [str(dept.id)] and team.proposals == {}


def test_active_cycle_requires_a_reason_and_keeps_the_old_target(app):
    o = objective(app)
    activate(app)
    kr = o.key_results[0]
    with pytest.raises(InvalidField) as err:
        app.objectives.revise_key_result(
            ReviseKeyResult(change(o), kr.key_result_id, {"target": 30.0}), ADMIN
        )
    assert err.value.field == "#/reason"
    revised = app.objectives.revise_key_result(
        ReviseKeyResult(change(o, "market grew"), kr.key_result_id, {"target": 30.0}), ADMIN
    )
    last = app.history.history(ADMIN, o.id)[-1]
    assert revised.key_results[0].target == 30.0
    assert (last.previous, last.reason, last.meta["actor_id"]) == (
        {"target": 20.0},
        "market grew",
        "ceo",
    )


def test_closed_cycle_accepts_only_an_admins_reasoned_correction(app):
    o = objective(app)
    activate(app, "closed")
    with pytest.raises(CycleLocked):
        app.objectives.revise_objective(
            ReviseObjective(change(o, "typo"), {"title": "Grow revenue!"}), ADMIN
        )
    with pytest.raises(Forbidden):
        app.objectives.revise_objective(
            ReviseObjective(change(o, "typo", True), {"title": "Grow revenue!"}), caller("ceo")
        )
    fixed = app.objectives.revise_objective(
        ReviseObjective(change(o, "typo", True), {"title": "Grow revenue!"}), ADMIN
    )
    assert (
        fixed.title == "Grow revenue!" and app.history.history(ADMIN, o.id)[-1].correction is True
    )


def test_stale_expected_version_is_a_conflict(app):
    o = objective(app)
    with pytest.raises(VersionConflict):
        app.objectives.revise_objective(
            ReviseObjective(Change(str(o.id), 7), {"title": "x"}), ADMIN
        )


def test_objectives_of_other_tenants_do_not_exist(app):
    o = objective(app)
    with pytest.raises(ObjectiveNotFound):
        app.objectives.get_objective(caller("ceo", tenant="globex"), o.id)


def test_private_objective_is_visible_to_owner_and_managers_only(app):
    o = objective(
        app,
        caller("dev"),
        level="individual",
        owner_type="person",
        owner_id="dev",
        visibility="private",
    )
    for reader in ("dev", "lead", "cto", "ceo"):
        assert app.objectives.get_objective(caller(reader), o.id).id == o.id
    with pytest.raises(ObjectiveNotFound):
        app.objectives.get_objective(caller("rep"), o.id)


def test_initiative_owner_may_move_its_status(app):
    o = objective(app, caller("lead"), level="team", owner_id="web")
    o, item = app.objectives.add_initiative(
        AddInitiative(
            change(o), o.key_results[0].key_result_id, "New checkout", "dev", deliverable="A/B test"
        ),
        caller("lead"),
    )
    done = app.objectives.revise_initiative(
        ReviseInitiative(change(o), item.initiative_id, {"status": "done"}), caller("dev")
    )
    assert done.initiative(item.initiative_id).status == "done"
