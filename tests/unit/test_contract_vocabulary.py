"""The schemas are the one source of the platform's enumerations, field lists and event families:
every schema agrees with the vocabulary read from them, and every service uses it."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from okr_checkins.knowledge import domain as knowledge
from okr_goals.cycles import domain as cycles
from okr_goals.objectives import domain as objectives
from okr_projections.cycles import domain as cycle_model
from okr_projections.due.domain import REMINDER_EVENTS
from okr_projections.objectives import domain as objective_model
from okr_reviews.reviews import domain as reviews
from okr_reviews.rules import domain as rules
from okr_shared.contracts import vocabulary as v
from okr_shared.contracts.registry import SCHEMA_DIR

SCHEMAS = sorted(SCHEMA_DIR.glob("*/*.json"))


def enums(node, path=()):
    """(path of property names, enum) of every enumerated field below `node`."""
    if isinstance(node, dict):
        if "enum" in node:
            yield path, tuple(node["enum"])
        for key, child in node.items():
            step = () if key in ("properties", "items", "$defs") else (key,)
            yield from enums(child, path + step)
    elif isinstance(node, list):
        for child in node:
            yield from enums(child, path)


def vocabulary_of(context: str, event: str, path: tuple[str, ...]) -> tuple[str, ...]:
    """The vocabulary an enumerated field must equal, by what the field is."""
    field = path[-1].removeprefix("previous_")
    if field == "kind":
        if any(p in ("key_result", "keyResult") for p in path):
            return v.KEY_RESULT_KINDS
        return {
            "goals": v.UNIT_KINDS,
            "reviews": v.SCORE_KINDS,
            "incentives": v.BADGE_KINDS,
        }.get(context, v.FEEDBACK_KINDS)
    if field == "status":
        return v.INITIATIVE_STATUSES if event.startswith("Initiative") else v.OBJECTIVE_STATUSES
    if field == "cadence":
        return v.CYCLE_CADENCES if context == "goals" else v.CHECK_IN_CADENCES
    return {
        "level": v.LEVELS,
        "levels": v.LEVELS,
        "owner_type": v.OWNER_TYPES,
        "visibility": v.VISIBILITIES,
        "commitment": v.COMMITMENTS,
        "state": v.CYCLE_STATES,
        "confidence_band": v.CONFIDENCE_BANDS,
        "source": v.CHECK_IN_SOURCES,
        "scope": v.CADENCE_SCOPES,
        "color": v.BAND_COLORS,
        "score_kind": v.FINAL_SCORE_KINDS,
        "sharing": v.RETROSPECTIVE_SHARINGS,
        "role": v.GRADING_REMINDER_ROLES,
        "format": v.EXPORT_FORMATS,
        "nominee_type": v.NOMINEE_TYPES,
    }[field]


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_enum_of_every_schema_equals_the_vocabulary_of_its_field(path: Path):
    schema = json.loads(path.read_text())
    found = list(enums(schema))
    for where, values in found:
        expected = vocabulary_of(path.parent.name, schema["title"], where)
        assert values == expected, f"{path.name} {'/'.join(where)}"


def test_every_latest_schema_names_its_stream_and_stays_a_valid_schema():
    for context in ("goals", "checkins"):
        for name, schema in v.latest_schemas(context).items():
            Draft202012Validator.check_schema(schema)
            assert isinstance(schema.get(v.STREAM), str), f"{context}.{name} has no stream"
    families = [
        v.OBJECTIVE_EVENTS,
        v.CYCLE_EVENTS,
        v.ORG_UNIT_EVENTS,
        v.PERSON_EVENTS,
        v.CHECK_IN_LOG_EVENTS,
        v.REMINDER_EVENTS,
        v.CONVERSATION_EVENTS,
        v.FEEDBACK_EVENTS,
        v.CADENCE_EVENTS,
    ]
    every = [name for family in families for name in family]
    assert sorted(every) == sorted([*v.latest_schemas("goals"), *v.latest_schemas("checkins")])


def test_cycle_transitions_enter_every_state_after_planning_in_order():
    assert tuple(v.CYCLE_STATE_OF.values()) == v.CYCLE_STATES[1:]
    assert set(v.CYCLE_STATE_OF) < v.CYCLE_EVENTS


def test_revisable_fields_are_the_changes_each_revision_event_may_carry():
    assert objectives.OBJECTIVE_REVISABLE == v.OBJECTIVE_REVISABLE
    assert objectives.KEY_RESULT_REVISABLE == v.KEY_RESULT_REVISABLE
    assert objectives.INITIATIVE_REVISABLE == v.INITIATIVE_REVISABLE
    assert "org_unit_id" in v.OBJECTIVE_REVISABLE
    assert objective_model.OBJECTIVE_REVISABLE == v.OBJECTIVE_REVISABLE


def test_services_share_the_event_families_of_the_schemas():
    assert knowledge.OBJECTIVE_EVENTS == objective_model.OBJECTIVE_EVENTS == v.OBJECTIVE_EVENTS
    assert set(knowledge.CYCLE_EVENTS) == cycle_model.CYCLE_EVENTS == v.CYCLE_EVENTS
    assert {k: s for k, s in knowledge.CYCLE_EVENTS.items() if s} == cycle_model.CYCLE_STATES
    assert set(REMINDER_EVENTS) == v.REMINDER_EVENTS
    assert cycles.STATES == v.CYCLE_STATES


def test_the_review_service_scores_with_the_vocabulary_of_its_schemas():
    assert rules.COMMITMENTS == v.COMMITMENTS
    assert rules.DEFAULT_COMMITMENT in v.COMMITMENTS
    assert rules.COLORS == v.BAND_COLORS
    assert reviews.SCORE_KINDS == v.SCORE_KINDS
    assert set(v.FINAL_SCORE_KINDS) == {*v.SCORE_KINDS, reviews.SUGGESTION}


def test_a_domain_subset_must_be_part_of_its_vocabulary():
    assert v.choose(v.LEVELS, "team", "company") == ("team", "company")
    with pytest.raises(ValueError, match="paused"):
        v.choose(v.OBJECTIVE_STATUSES, "draft", "paused")
