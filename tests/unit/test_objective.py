"""The Objective and Cycle aggregates on their own: pure domain rules, no store."""

import uuid
from datetime import date

import pytest

from okr_goals.cycles.domain import Cycle
from okr_goals.errors import CycleLocked, Forbidden, InvalidField, KeyResultNotFound
from okr_goals.objectives.domain import Objective
from okr_goals.objectives.key_results import KeyResult
from okr_shared.event_meta import EventMeta

META = EventMeta(tenant_id="acme", actor_id="alice", correlation_id="c1", causation_id="r1")


def objective(*krs: KeyResult, level="company") -> Objective:
    return Objective.create(
        objective_id=uuid.uuid4(),
        title="Best user experience",
        description="",
        level=level,
        owner_type="person",
        owner_id="ceo",
        org_unit_id="acme",
        cycle_id="2026-Q1",
        tags=[],
        visibility="public",
        status="active",
        key_results=list(krs),
        alignments=[],
        meta=META,
    )


def kr(**overrides) -> KeyResult:
    fields = dict(
        key_result_id=str(uuid.uuid4()),
        title="NPS",
        kind="increase_to",
        owner_id=None,
        weight=0.5,
        unit="pts",
        start=30.0,
        target=60.0,
    )
    fields.update(overrides)
    return KeyResult(**fields)


def test_created_event_records_tenant_and_actor():
    o = objective(kr())
    (created,) = o.collect_events()
    assert created.meta["tenant_id"] == "acme" and created.meta["actor_id"] == "alice"
    assert o.version == 1


@pytest.mark.parametrize(
    "bad, field",
    [
        (dict(target=30.0), "#/key_results/0/target"),
        (dict(weight=1.5), "#/key_results/0/weight"),
        (dict(weight=float("nan")), "#/key_results/0/weight"),
        (dict(title="  "), "#/key_results/0/title"),
        (dict(kind="decrease_to"), "#/key_results/0/target"),
        (dict(kind="range"), "#/key_results/0/start"),
        (dict(kind="sideways"), "#/key_results/0/kind"),
    ],
)
def test_invalid_key_result_is_refused_naming_the_field(bad, field):
    with pytest.raises(InvalidField) as err:
        objective(kr(**bad))
    assert err.value.field == field


def test_unknown_level_is_refused():
    with pytest.raises(InvalidField) as err:
        objective(level="galaxy")
    assert err.value.field == "#/level"


def test_revising_a_target_keeps_the_old_one_in_the_event():
    k = kr()
    o = objective(k)
    o.revise_key_result(k.key_result_id, {"target": 90.0}, "raised the bar", False, META)
    event = o.collect_events()[-1]
    assert (event.changes, event.previous, event.reason) == (
        {"target": 90.0},
        {"target": 60.0},
        "raised the bar",
    )
    assert o.key_result(k.key_result_id).target == 90.0


def test_revision_that_changes_nothing_is_refused():
    o = objective(kr())
    with pytest.raises(InvalidField):
        o.revise({"title": "Best user experience"}, None, False, META)


def test_revising_an_unknown_key_result_fails():
    with pytest.raises(KeyResultNotFound):
        objective(kr()).revise_key_result("nope", {"title": "x"}, None, False, META)


def test_status_moves_only_along_allowed_paths():
    o = objective(kr())
    o.change_status("archived", None, False, META)
    with pytest.raises(InvalidField) as err:
        o.change_status("active", None, False, META)
    assert err.value.field == "#/status"


def test_an_objective_cannot_support_a_lower_level_or_itself():
    company, team = objective(kr()), objective(kr(), level="team")
    with pytest.raises(InvalidField):
        company.check_parent(team)
    with pytest.raises(InvalidField):
        team.check_parent(team)
    team.check_parent(company)


def cycle() -> Cycle:
    return Cycle.plan(
        aggregate_id=uuid.uuid4(),
        cycle_id="2026-Q1",
        name="Q1",
        cadence="quarterly",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 3, 31),
        meta=META,
    )


def test_cycle_states_cannot_be_skipped():
    c = cycle()
    with pytest.raises(InvalidField):
        c.advance("closed", None, META)
    for state in ("active", "grading", "closed"):
        c.advance(state, None, META)
    assert c.is_locked


def test_cycle_rules_for_changes():
    c = cycle()
    c.check_change(None, False, False)
    c.advance("active", None, META)
    with pytest.raises(InvalidField):
        c.check_change(None, False, False)
    c.advance("grading", None, META)
    c.advance("closed", None, META)
    with pytest.raises(CycleLocked):
        c.check_change("why", False, True)
    with pytest.raises(Forbidden):
        c.check_change("why", True, False)
    c.check_change("why", True, True)
