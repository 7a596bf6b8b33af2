"""Re-scoring a cycle: the pure replay under other rules, the scores as of an instant, and the
adoption of another rule version; bad input names the field and stores nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from okr_goals.objectives.commands import Change, ReviseObjective
from okr_reviews.contracts import to_cloud_event
from okr_reviews.rescoring.commands import AdoptRules, Rescore
from okr_reviews.rescoring.domain import (
    changed_bands,
    check_instant,
    draft_rules,
    one_of,
    resuggested,
    scored,
    version_at,
)
from okr_reviews.reviews.commands import FinaliseReview, ScoreKeyResult
from okr_reviews.rules.commands import SetScoringRules
from okr_reviews.rules.domain import DEFAULT_RULES
from okr_shared.contracts import default_registry
from okr_shared.errors import Conflict, Forbidden, InvalidField, NotFound
from tests.support.org import ADMIN, CYCLE, caller
from tests.support.reviews import FINER_RULES, NOW, World, graded_for_rescoring


@pytest.fixture
def world():
    world = World()
    graded_for_rescoring(world)
    return world


def by_objective(answer, world, objective):
    return next(r for r in answer["reviews"] if r["objective_id"] == str(objective.id))


def self_score(world, objective, index, value):
    review_id = world.review_id(objective)
    version = world.reviews.review(ADMIN, review_id).version
    command = ScoreKeyResult(review_id, world.kr(objective, index), "self", value, version)
    world.reviews.score(command, caller("dev"))


# ---- the pure replay


def key_results(*items):
    """Key results as (id, weight, suggested score, given scores)."""
    return {
        kr_id: {
            "weight": weight,
            "value": None,
            "check_in_id": None,
            "progress": suggested,
            "suggested_score": suggested,
            "scores": [{"kind": "self", "score": s} for s in given],
        }
        for kr_id, weight, suggested, given in items
    }


def test_a_replay_keeps_given_scores_and_moves_only_suggestions_and_bands():
    krs = key_results(("a", 1.0, 0.7, [0.8]), ("b", 1.0, 0.4, []))
    found = {
        kr_id: {"value": 1, "check_in_id": "c", "progress": 0.33, "suggested_score": 0.35}
        for kr_id in krs
    }
    again = scored(resuggested(krs, found), "aspirational", FINER_RULES)
    a, b = again["key_results"]
    assert (a["score"], a["suggested_score"], a["score_kind"]) == (0.8, 0.35, "self")
    assert (b["score"], b["suggested_score"], b["score_kind"]) == (0.35, 0.35, "suggestion")
    assert again["score"] == 0.575 and again["band"]["color"] == "yellow"
    assert b["band"]["color"] == "red"
    bound = scored(krs, "aspirational", DEFAULT_RULES)
    assert bound["score"] == 0.6 and bound["key_results"][1]["band"]["color"] == "yellow"
    assert krs["b"]["suggested_score"] == 0.4


def test_changed_bands_lists_only_objectives_whose_band_moved():
    red, yellow = {"color": "red"}, {"color": "yellow"}
    compared = [
        {"review_id": "r1", "objective_id": "o1", "bound": {"band": red}, "other": {"band": red}},
        {
            "review_id": "r2",
            "objective_id": "o2",
            "bound": {"band": yellow},
            "other": {"band": red},
        },
    ]
    assert changed_bands(compared) == [
        {"review_id": "r2", "objective_id": "o2", "before": yellow, "after": red}
    ]


def test_the_version_at_an_instant_is_after_the_last_event_recorded_by_then():
    instants = [(1, "2026-04-02T09:00:00+00:00"), (2, "2026-04-02T10:00:00+00:00")]
    at = datetime(2026, 4, 2, 9, 30, tzinfo=UTC)
    assert version_at(instants, at) == 1
    assert version_at(instants, at + timedelta(hours=1)) == 2
    assert version_at(instants, at - timedelta(hours=1)) is None


def test_an_instant_needs_an_offset_and_must_not_lie_ahead():
    assert check_instant(None, NOW, "#/as_of") == NOW
    with pytest.raises(InvalidField) as naive:
        check_instant(datetime(2026, 4, 1), NOW, "#/as_of")
    with pytest.raises(InvalidField) as ahead:
        check_instant(NOW + timedelta(seconds=1), NOW, "query:as_of")
    assert (naive.value.field, ahead.value.field) == ("#/as_of", "query:as_of")


def test_exactly_one_of_a_version_and_a_draft_and_a_draft_is_checked_like_the_rules():
    with pytest.raises(InvalidField) as neither:
        one_of(None, None)
    with pytest.raises(InvalidField) as both:
        one_of(1, FINER_RULES)
    assert (neither.value.field, both.value.field) == ("#/rule_version", "#/rules")
    with pytest.raises(InvalidField) as broken:
        draft_rules({**FINER_RULES, "step": 0.3})
    assert broken.value.field == "#/rules/step"


# ---- re-scoring through the handlers


def test_rescoring_under_a_second_version_answers_other_bands_and_stores_nothing(world):
    world.rules.set_rules(SetScoringRules(FINER_RULES, "finer"), ADMIN)
    self_score(world, world.personal, 0, 0.8)
    world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
    stored = world.stored()
    answer = world.service.rescoring.rescore(Rescore(CYCLE, rule_version=1), ADMIN)
    assert world.stored() == stored
    team = by_objective(answer, world, world.team)
    assert (team["bound"]["rule_version"], team["other"]["rule_version"]) == (0, 1)
    assert (team["bound"]["score"], team["bound"]["band"]["color"]) == (0.35, "yellow")
    assert (team["other"]["score"], team["other"]["band"]["color"]) == (0.35, "red")
    assert team["band_changed"] and team["finalised"]
    personal = by_objective(answer, world, world.personal)
    conversion = personal["other"]["key_results"][0]
    assert (conversion["score"], conversion["suggested_score"]) == (0.8, 0.65)
    assert personal["bound"]["key_results"][0]["suggested_score"] == 0.7
    assert [c["objective_id"] for c in answer["changed"]] == [str(world.team.id)]
    bound, other = answer["distribution"]["bound"], answer["distribution"]["other"]
    assert bound["overall"]["count"] == other["overall"]["count"] == 3
    assert bound["overall"]["bands"]["yellow"] == 0.666667
    assert other["overall"]["bands"]["red"] == 0.666667
    assert set(other["by_commitment"]) == {"aspirational", "committed"}
    assert other["by_manager"]["lead"]["count"] == 1
    final = world.reviews.review(ADMIN, world.review_id(world.team))
    assert final.rule_version == 0 and final.band["color"] == "yellow"


def test_a_draft_rule_set_rescores_without_being_set(world):
    answer = world.service.rescoring.rescore(Rescore(CYCLE, rules=FINER_RULES), ADMIN)
    assert answer["draft"] and answer["rule_version"] is None
    assert by_objective(answer, world, world.team)["other"]["band"]["color"] == "red"
    assert world.rules.in_force("acme")[0] == 0


def test_rescoring_covers_only_the_reviews_the_caller_may_read(world):
    objective = world.committed
    change = Change(str(objective.id), objective.version, "confidential")
    world.goals.objectives.revise_objective(
        ReviseObjective(change, {"visibility": "private"}), ADMIN
    )
    world.learn()
    answer = world.service.rescoring.rescore(Rescore(CYCLE, rules=FINER_RULES), caller("dev"))
    assert str(objective.id) not in {r["objective_id"] for r in answer["reviews"]}
    assert len(answer["reviews"]) == answer["distribution"]["other"]["overall"]["count"] == 2
    assert "committed" not in answer["distribution"]["bound"]["by_commitment"]
    items = world.service.rescoring.scores_as_of(caller("dev"), CYCLE)["items"]
    assert len(items) == 2


# ---- scores as of an instant


def test_the_scores_as_they_stood_at_an_instant(world):
    rescoring = world.service.rescoring
    world.clock.advance(hours=1)
    self_score(world, world.personal, 0, 0.8)
    world.clock.advance(hours=1)
    world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
    world.clock.advance(hours=1)
    world.rules.set_rules(SetScoringRules(FINER_RULES, "finer"), ADMIN)
    rescoring.adopt(AdoptRules(CYCLE, 1, "the board asked for finer grades"), ADMIN)

    def personal_at(at):
        items = rescoring.scores_as_of(ADMIN, CYCLE, at)["items"]
        return next(i for i in items if i["objective_id"] == str(world.personal.id))

    opened = personal_at(NOW + timedelta(minutes=30))
    assert (opened["version"], opened["finalised"], opened["score"]) == (1, False, 0.525)
    final = personal_at(NOW + timedelta(hours=2, minutes=30))
    assert (final["finalised"], final["rule_version"], final["score"]) == (True, 0, 0.6)
    now = personal_at(None)
    assert (now["rule_version"], now["finalised"]) == (1, True)
    assert rescoring.scores_as_of(ADMIN, CYCLE, NOW - timedelta(hours=1))["items"] == []
    with pytest.raises(InvalidField) as ahead:
        rescoring.scores_as_of(ADMIN, CYCLE, world.clock.now() + timedelta(minutes=1))
    assert ahead.value.field == "query:as_of"


def test_rescoring_the_scores_as_they_stood_then(world):
    world.clock.advance(hours=1)
    self_score(world, world.personal, 0, 0.8)
    before = NOW + timedelta(minutes=30)
    answer = world.service.rescoring.rescore(Rescore(CYCLE, rules=FINER_RULES, as_of=before), ADMIN)
    conversion = by_objective(answer, world, world.personal)["other"]["key_results"][0]
    assert (conversion["score"], conversion["score_kind"]) == (0.65, "suggestion")
    assert answer["as_of"] == before


# ---- adoption


def test_adopting_rebinds_every_review_also_after_finalisation(world):
    world.rules.set_rules(SetScoringRules(FINER_RULES, "finer"), ADMIN)
    self_score(world, world.personal, 0, 0.8)
    world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
    preview = world.service.rescoring.rescore(Rescore(CYCLE, rule_version=1), ADMIN)
    adopted = world.service.rescoring.adopt(AdoptRules(CYCLE, 1, "finer grades"), ADMIN)
    assert {r.rule_version for r in adopted} == {1}
    team = world.reviews.review(ADMIN, world.review_id(world.team))
    assert team.band["color"] == "red" and team.finalised is not None
    for review in adopted:
        other = next(r for r in preview["reviews"] if r["review_id"] == str(review.id))["other"]
        assert (review.score, review.band) == (other["score"], other["band"])
    personal = world.reviews.review(ADMIN, world.review_id(world.personal))
    conversion = personal.key_results[world.kr(world.personal, 0)]
    assert conversion["scores"][-1]["score"] == 0.8 and conversion["suggested_score"] == 0.65
    events = [type(e).__name__ for e in world.store.events.get(team.id)]
    assert events == ["Opened", "Finalised", "Rescored"]


def test_a_new_score_after_adoption_is_checked_against_the_new_step(world):
    world.rules.set_rules(SetScoringRules(FINER_RULES, "finer"), ADMIN)
    world.service.rescoring.adopt(AdoptRules(CYCLE, 1, "finer grades"), ADMIN)
    self_score(world, world.personal, 0, 0.65)
    review = world.reviews.review(ADMIN, world.review_id(world.personal))
    assert review.key_results[world.kr(world.personal, 0)]["scores"][-1]["score"] == 0.65


def refused(world, call, error, field):
    stored = world.stored()
    with pytest.raises(error) as raised:
        call()
    if field is not None:
        assert raised.value.field == field
    assert world.stored() == stored


@pytest.mark.parametrize(
    "command, who, error, field",
    [
        (AdoptRules(CYCLE, 1, "finer"), caller("dev"), Forbidden, "#"),
        (AdoptRules(CYCLE, 1, "  "), ADMIN, InvalidField, "#/reason"),
        (AdoptRules(CYCLE, 0, "again"), ADMIN, Conflict, "#/rule_version"),
        (AdoptRules(CYCLE, 7, "unknown"), ADMIN, InvalidField, "#/rule_version"),
        (AdoptRules("1999-Q1", 1, "nowhere"), ADMIN, NotFound, None),
    ],
)
def test_bad_adoptions_name_the_field_and_store_nothing(world, command, who, error, field):
    world.rules.set_rules(SetScoringRules(FINER_RULES, "finer"), ADMIN)
    refused(world, lambda: world.service.rescoring.adopt(command, who), error, field)


def test_an_unknown_version_is_not_found_naming_the_field(world):
    with pytest.raises(InvalidField) as raised:
        world.service.rescoring.rescore(Rescore(CYCLE, rule_version=7), ADMIN)
    assert (raised.value.status, raised.value.field) == (404, "#/rule_version")


@pytest.mark.parametrize(
    "command, error, field",
    [
        (Rescore(CYCLE), InvalidField, "#/rule_version"),
        (Rescore(CYCLE, rule_version=0, rules=FINER_RULES), InvalidField, "#/rules"),
        (Rescore(CYCLE, rule_version=7), InvalidField, "#/rule_version"),
        (Rescore(CYCLE, rules={**FINER_RULES, "step": 0.3}), InvalidField, "#/rules/step"),
        (Rescore(CYCLE, rule_version=0, as_of=NOW + timedelta(days=1)), InvalidField, "#/as_of"),
        (Rescore("1999-Q1", rule_version=0), NotFound, None),
    ],
)
def test_bad_rescorings_name_the_field_and_store_nothing(world, command, error, field):
    refused(world, lambda: world.service.rescoring.rescore(command, ADMIN), error, field)


def test_each_adoption_is_published_as_review_rescored_in_its_contract(world):
    world.rules.set_rules(SetScoringRules(FINER_RULES, "finer"), ADMIN)
    world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
    world.service.rescoring.adopt(AdoptRules(CYCLE, 1, "finer grades"), ADMIN)
    registry = default_registry()
    published = [
        to_cloud_event(world.store.mapper.to_domain_event(n), registry)
        for n in world.store.recorder.select_notifications(0, 1000)
    ]
    rescored = [e for e in published if e is not None and e.schema_name == "ReviewRescored"]
    assert len(rescored) == 3
    team = next(e for e in rescored if e.subject == world.review_id(world.team))
    assert (team.data["previous_rule_version"], team.data["rule_version"]) == (0, 1)
    assert team.data["finalised"] and team.data["reason"] == "finer grades"
    assert team.data["band"]["color"] == "red" and team.data["score"] == 0.35
    assert {k["key_result_id"] for k in team.data["key_results"]} == {
        world.kr(world.team, 0),
        world.kr(world.team, 1),
    }
    assert "rules" not in team.data and "suggestions" not in team.data
