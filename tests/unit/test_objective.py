import uuid

import pytest
from okr_goals.domain.errors import InvalidField, KeyResultNotFound
from okr_goals.domain.objective import EventMeta, KeyResult, Objective

META = EventMeta(tenant_id="acme", actor_id="alice", correlation_id="c1", causation_id="r1")


def objective(*krs: KeyResult) -> Objective:
    return Objective.create(
        objective_id=uuid.uuid4(), title="Best user experience", description="", owner_id="ceo",
        level="company", cycle_id="2026-Q1", key_results=list(krs), meta=META,
    )


def kr(**overrides) -> KeyResult:
    fields = dict(key_result_id=str(uuid.uuid4()), title="NPS", start=30.0, target=60.0, unit="pts", weight=0.5)
    fields.update(overrides)
    return KeyResult(**fields)


def test_created_event_records_tenant_and_actor():
    o = objective(kr())
    (created,) = o.collect_events()
    assert created.meta["tenant_id"] == "acme" and created.meta["actor_id"] == "alice"
    assert o.version == 1


@pytest.mark.parametrize("bad, field", [
    (dict(target=30.0), "#/key_results/0/target"),
    (dict(weight=-0.1), "#/key_results/0/weight"),
    (dict(weight=1.5), "#/key_results/0/weight"),
    (dict(title="  "), "#/key_results/0/title"),
])
def test_invalid_key_result_is_refused_naming_the_field(bad, field):
    with pytest.raises(InvalidField) as err:
        objective(kr(**bad))
    assert err.value.field == field


def test_unknown_level_is_refused():
    with pytest.raises(InvalidField) as err:
        Objective.create(objective_id=uuid.uuid4(), title="x", description="", owner_id="o", level="galaxy",
                         cycle_id="q", key_results=[], meta=META)
    assert err.value.field == "#/level"


def test_revising_a_target_keeps_the_old_one_in_the_event():
    first = kr()
    o = objective(first)
    o.revise_key_result(first.key_result_id, {"target": 80.0}, "market grew", META)
    revised = o.collect_events()[-1]
    assert revised.previous == {"target": 60.0} and revised.changes == {"target": 80.0}
    assert revised.reason == "market grew"
    assert o.key_result(first.key_result_id).target == 80.0


def test_revision_that_changes_nothing_is_refused():
    o = objective()
    with pytest.raises(InvalidField):
        o.revise({"title": "Best user experience"}, None, META)


def test_revising_an_unknown_key_result_fails():
    with pytest.raises(KeyResultNotFound):
        objective().revise_key_result("nope", {"target": 1.0}, None, META)
