from datetime import UTC, datetime

import pytest
from okr_projections.domain.objective_progress import OutOfOrderEvent, apply_event

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def meta(version):
    return {"tenant_id": "acme", "actor_id": "alice", "version": version, "event_id": f"e{version}", "time": NOW}


CREATED = {"objective_id": "o1", "title": "UX", "description": "", "owner_id": "ceo", "level": "company",
           "cycle_id": "q1", "key_results": [{"key_result_id": "k1", "title": "NPS", "start": 30.0, "target": 60.0,
                                              "unit": "pts", "weight": 0.5}]}


def test_created_objective_starts_at_zero_progress_and_version_one():
    doc = apply_event(None, "ObjectiveCreated", CREATED, meta(1))
    assert doc["progress"] == 0 and doc["version"] == 1 and doc["key_results"][0]["current"] == 30.0


def test_revising_a_target_recomputes_key_result_progress_from_its_current_value():
    doc = apply_event(None, "ObjectiveCreated", CREATED, meta(1))
    doc["key_results"][0]["current"] = 45.0
    doc = apply_event(doc, "KeyResultRevised", {"objective_id": "o1", "key_result_id": "k1", "changes": {"target": 90.0},
                                                "previous": {"target": 60.0}, "reason": None}, meta(2))
    assert doc["key_results"][0]["progress"] == pytest.approx(0.25)
    assert doc["version"] == 2


def test_event_before_creation_is_out_of_order():
    with pytest.raises(OutOfOrderEvent):
        apply_event(None, "ObjectiveRevised", {"objective_id": "o1", "changes": {"title": "x"}}, meta(2))
