"""Reviews open when the cycle enters grading: suggestions from the value effective at the
cycle's end as known when grading opened; scores, rights, the weighted objective score, bands and
finalisation; learning tolerates duplicates."""

import threading
from datetime import UTC, datetime, timedelta

import pytest

from okr_goals.cycles.commands import AdvanceCycle
from okr_goals.objectives.commands import NewKeyResult
from okr_reviews.reviews.commands import FinaliseReview, ScoreKeyResult
from okr_reviews.reviews.domain import NotGrading, ReviewFinalisedError, standing_check_in
from okr_reviews.rules.commands import SetScoringRules
from okr_reviews.rules.domain import DEFAULT_RULES
from okr_shared.errors import Forbidden, InvalidField, NotFound, VersionConflict
from tests.support.org import ADMIN, CYCLE, caller
from tests.support.reviews import World

MARCH = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def world():
    return World()


def score(world, objective, index, value, who, kind="self", remark=None, **more):
    review_id = world.review_id(objective)
    current = world.reviews.review(caller("ceo", admin=True), review_id).version
    command = ScoreKeyResult(
        review_id, world.kr(objective, index), kind, value, current, remark, **more
    )
    return world.reviews.score(command, caller(who) if who != "admin" else ADMIN)


def test_no_review_before_grading(world):
    with pytest.raises(NotFound):
        world.reviews.review(ADMIN, world.review_id(world.personal))


def test_grading_opens_a_review_per_objective_bound_to_the_rules_in_force(world):
    world.rules.set_rules(SetScoringRules({**DEFAULT_RULES, "remark_threshold": 0.3}), ADMIN)
    world.grade()
    reviews = world.reviews.reviews_of_cycle(ADMIN, CYCLE)
    assert len(reviews) == 3
    assert {r.rule_version for r in reviews} == {1}
    world.rules.set_rules(SetScoringRules(DEFAULT_RULES), ADMIN)
    assert world.reviews.review(ADMIN, world.review_id(world.team)).rule_version == 1


def test_suggestion_is_progress_at_the_cycle_end_rounded_to_the_step(world):
    conversion = world.kr(world.personal, 0)
    world.check_in(conversion, 44.0, "2026-03-10T10:00:00Z", MARCH)
    world.check_in(conversion, 66.0, "2026-03-31T23:59:59Z", MARCH)
    world.check_in(conversion, 95.0, "2026-04-01T00:00:00Z", MARCH + timedelta(days=12))
    world.grade()
    late = world.check_in(
        conversion, 99.0, "2026-03-30T00:00:00Z", datetime.now(UTC) + timedelta(hours=1)
    )
    assert late
    kr = world.reviews.review(ADMIN, world.review_id(world.personal)).key_results[conversion]
    assert kr["value"] == 66.0 and kr["progress"] == 0.66 and kr["suggested_score"] == 0.7


def test_a_correction_known_before_grading_counts(world):
    conversion = world.kr(world.personal, 0)
    first = world.check_in(conversion, 80.0, "2026-03-10T10:00:00Z", MARCH)
    world.check_in(
        conversion,
        20.0,
        "2026-03-10T10:00:00Z",
        MARCH + timedelta(hours=1),
        first.data["check_in_id"],
    )
    world.grade()
    kr = world.reviews.review(ADMIN, world.review_id(world.personal)).key_results[conversion]
    assert kr["value"] == 20.0 and kr["suggested_score"] == 0.2


def test_without_check_ins_a_key_result_stands_at_its_start(world):
    world.grade()
    review = world.reviews.review(ADMIN, world.review_id(world.personal))
    assert [kr["suggested_score"] for kr in review.key_results.values()] == [0.0, 0.0]
    assert review.band["color"] == "red"


def test_bitemporal_cut_offs():
    check_ins = [
        {
            "check_in_id": "a",
            "value": 1,
            "effective_at": "2026-03-31T23:00:00+00:00",
            "recorded_at": "2026-04-01T08:00:00+00:00",
            "corrects": None,
        },
        {
            "check_in_id": "b",
            "value": 2,
            "effective_at": "2026-04-01T00:00:00+00:00",
            "recorded_at": "2026-04-01T08:00:00+00:00",
            "corrects": None,
        },
        {
            "check_in_id": "c",
            "value": 3,
            "effective_at": "2026-03-31T23:30:00+00:00",
            "recorded_at": "2026-04-02T08:00:00+00:00",
            "corrects": None,
        },
    ]
    end = datetime(2026, 4, 1, tzinfo=UTC)
    assert standing_check_in(check_ins, end, datetime(2026, 4, 1, 9, tzinfo=UTC))["value"] == 1
    assert standing_check_in(check_ins, end, datetime(2026, 4, 3, tzinfo=UTC))["value"] == 3
    assert standing_check_in(check_ins, end, datetime(2026, 3, 1, tzinfo=UTC)) is None


def test_the_objective_score_is_the_weighted_mean_of_its_key_results(world):
    world.grade()
    score(world, world.personal, 0, 0.8, "dev", remark="strong quarter")
    review = score(world, world.personal, 1, 0.0, "dev")
    assert review.score == pytest.approx(0.6)
    assert review.band["color"] == "yellow"


def test_a_score_far_from_the_suggestion_needs_a_remark(world):
    world.grade()
    with pytest.raises(InvalidField) as exc:
        score(world, world.personal, 0, 0.3, "dev")
    assert exc.value.field == "#/remark"
    assert score(world, world.personal, 0, 0.2, "dev").version == 2


def test_every_score_keeps_who_when_why_and_the_previous_value(world):
    world.grade()
    score(world, world.personal, 0, 0.2, "dev")
    review = score(world, world.personal, 0, 0.5, "lead", "manager", "did more than logged")
    scores = review.key_results[world.kr(world.personal, 0)]["scores"]
    assert [(s["kind"], s["score"], s["previous_score"], s["by"]) for s in scores] == [
        ("self", 0.2, 0.0, "dev"),
        ("manager", 0.5, 0.2, "lead"),
    ]
    assert scores[1]["remark"] == "did more than logged" and scores[1]["at"]


def test_only_the_owner_self_scores_and_only_the_chain_above_overrides(world):
    world.grade()
    for who in ("lead", "rep", "ceo"):
        with pytest.raises(Forbidden):
            score(world, world.personal, 0, 0.0, who)
    for who in ("dev", "rep", "vps"):
        with pytest.raises(Forbidden):
            score(world, world.personal, 0, 0.0, who, "manager", "no")
    for who in ("lead", "cto", "ceo"):
        score(world, world.personal, 0, 0.1, who, "manager", "checked")


def test_a_unit_owned_key_result_without_owner_is_scored_by_the_unit_and_above(world):
    world.grade()
    score(world, world.team, 1, 0.0, "dev")
    score(world, world.team, 1, 0.0, "cto")
    with pytest.raises(Forbidden):
        score(world, world.team, 1, 0.0, "rep")
    with pytest.raises(Forbidden):
        score(world, world.team, 1, 0.0, "lead", "manager", "same unit is not above")
    score(world, world.team, 1, 0.0, "cto", "manager", "unit above")
    with pytest.raises(Forbidden):
        score(world, world.team, 0, 0.0, "lead")
    score(world, world.team, 0, 0.0, "lead", "manager", "dev's manager")


def test_a_committed_objective_is_green_only_at_1(world):
    world.grade()
    review = world.reviews.review(ADMIN, world.review_id(world.committed))
    assert review.commitment == "committed" and review.band["label"]["en"] == "Miss"
    review = score(world, world.committed, 0, 1.0, "rep", remark="signed")
    assert review.band["color"] == "green"
    assert world.reviews.review(ADMIN, world.review_id(world.personal)).commitment == "aspirational"


def test_scoring_needs_the_cycle_in_grading(world):
    world.grade()
    world.goals.cycles.advance_cycle(AdvanceCycle(CYCLE, "closed", "done"), ADMIN)
    world.learn()
    with pytest.raises(NotGrading):
        score(world, world.personal, 0, 0.0, "dev")


def test_a_stale_expected_version_is_a_conflict(world):
    world.grade()
    command = ScoreKeyResult(
        world.review_id(world.personal), world.kr(world.personal, 0), "self", 0.0, 7
    )
    with pytest.raises(VersionConflict):
        world.reviews.score(command, caller("dev"))


def test_after_finalisation_only_an_admins_reasoned_correction_changes_a_score(world):
    world.grade()
    score(world, world.personal, 0, 0.2, "dev")
    finalised = world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
    assert all(r.finalised for r in finalised) and len(finalised) == 3
    with pytest.raises(ReviewFinalisedError):
        score(world, world.personal, 0, 0.3, "dev")
    with pytest.raises(Forbidden):
        score(world, world.personal, 0, 0.3, "lead", "manager", "late", correction=True)
    with pytest.raises(InvalidField) as exc:
        score(world, world.personal, 0, 0.3, "admin", correction=True)
    assert exc.value.field == "#/reason"
    review = score(world, world.personal, 0, 0.3, "admin", correction=True, reason="audit")
    last = review.key_results[world.kr(world.personal, 0)]["scores"][-1]
    assert last["kind"] == "correction" and last["reason"] == "audit"
    stored = world.stored()
    assert world.reviews.finalise(FinaliseReview(CYCLE, "again"), ADMIN)
    assert world.stored() == stored


def test_only_an_admin_finalises(world):
    world.grade()
    with pytest.raises(Forbidden):
        world.reviews.finalise(FinaliseReview(CYCLE, "done"), caller("ceo"))


def test_duplicate_events_open_nothing_twice_and_change_nothing(world):
    conversion = world.kr(world.personal, 0)
    event = world.check_in(conversion, 50.0, "2026-03-10T10:00:00Z", MARCH)
    world.deliver(event)
    assert len(world.knowledge.load("acme", "check_in_log", conversion)[1]["check_ins"]) == 1
    world.grade()
    stored = world.stored()
    world._learned.clear()
    world.learn()
    assert world.stored() == stored


def test_hidden_or_unknown_reviews_are_not_found(world):
    world.grade()
    with pytest.raises(NotFound):
        world.reviews.review(ADMIN, "not-a-uuid")
    with pytest.raises(NotFound):
        world.reviews.review(caller("ceo", tenant="globex"), world.review_id(world.personal))


def test_a_check_in_recorded_before_grading_but_learned_after_revises_the_suggestion(world):
    conversion = world.kr(world.personal, 0)
    world.grade()
    review_id = world.review_id(world.personal)
    assert world.reviews.review(ADMIN, review_id).key_results[conversion]["suggested_score"] == 0.0
    world.check_in(conversion, 52.0, "2026-03-30T00:00:00Z", MARCH)
    review = world.reviews.review(ADMIN, review_id)
    assert review.key_results[conversion]["suggested_score"] == 0.5 and review.version == 2
    world.check_in(conversion, 90.0, "2026-03-31T00:00:00Z", datetime.now(UTC) + timedelta(hours=1))
    assert world.reviews.review(ADMIN, review_id).version == 2


def test_an_objective_learned_after_grading_opened_gets_its_review(world):
    world.grade()
    late = world._objective(
        "Late", "individual", "person", "lead", NewKeyResult("X", "milestone"), by=caller("lead")
    )
    world.learn()
    assert world.reviews.review(ADMIN, world.review_id(late)).cycle_id == CYCLE


def test_a_tenants_events_are_learned_one_at_a_time(world):
    """A check-in delivered while its review is being opened waits for it, then revises it."""
    conversion = world.kr(world.personal, 0)
    learner = world.service.learner
    opening, release = threading.Event(), threading.Event()
    open_reviews = learner.open_reviews

    def held_open(*args):
        opening.set()
        assert release.wait(10)
        return open_reviews(*args)

    learner.open_reviews = held_open
    grading = threading.Thread(target=world.grade)
    grading.start()
    assert opening.wait(10)
    check_in = threading.Thread(
        target=world.check_in, args=(conversion, 52.0, "2026-03-30T00:00:00Z", MARCH)
    )
    check_in.start()
    check_in.join(timeout=0.2)
    assert check_in.is_alive()
    assert world.knowledge.load("acme", "check_in_log", conversion)[1] is None
    release.set()
    grading.join(10)
    check_in.join(10)
    kr = world.reviews.review(ADMIN, world.review_id(world.personal)).key_results[conversion]
    assert kr["suggested_score"] == 0.5
