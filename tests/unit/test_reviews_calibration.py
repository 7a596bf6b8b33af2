"""Calibration sessions: leaders of a unit (or above) open one while the cycle grades, see the
distribution of their subtree's scores and adjust scores with a reason, each adjustment an event
of the session and a calibration score of the review saved together; leaders finalise their
unit's reviews. Every refusal names the field and stores nothing."""

import pytest

from okr_goals.cycles.commands import AdvanceCycle
from okr_reviews.calibration.commands import AdjustScore, CloseSession, OpenSession
from okr_reviews.calibration.domain import SessionClosed, SessionNotFound
from okr_reviews.contracts import to_cloud_event
from okr_reviews.reviews.commands import FinaliseReview, ScoreKeyResult
from okr_reviews.reviews.domain import NotGrading, ReviewFinalisedError
from okr_shared.contracts import default_registry
from okr_shared.errors import (
    Forbidden,
    InvalidField,
    NotFound,
    NotKnownYet,
    UnknownReference,
    VersionConflict,
)
from tests.support.freshness import FakeFreshness
from tests.support.org import ADMIN, CYCLE
from tests.support.reviews import World, stored_names, with_roles

CTO = with_roles("cto", "leader")
"""A leader of `rnd`, above `web` (where `dev` and the team objective are)."""


@pytest.fixture
def world():
    world = World()
    world.grade()
    return world


def open_session(world, unit="rnd", who=CTO, reason="quarterly calibration"):
    return world.service.calibration.open(OpenSession(CYCLE, unit, reason), who)


def adjust(world, session, objective, score, reason="sets the bar", index=0, who=CTO, version=None):
    review_id = world.review_id(objective)
    current = world.reviews.review(ADMIN, review_id).version if version is None else version
    command = AdjustScore(
        str(session.id), review_id, world.kr(objective, index), score, reason, current
    )
    return world.service.calibration.adjust(command, who)


def refused(world, error, pointer, act):
    """Runs `act`, expecting `error` naming `pointer`, and checks nothing was stored."""
    before = world.stored()
    with pytest.raises(error) as raised:
        act()
    if pointer is not None:
        assert raised.value.field == pointer
    assert world.stored() == before
    return raised.value


def test_an_adjustment_is_an_attributed_event_of_the_session_and_a_calibration_score(world):
    session = open_session(world)
    review, session = adjust(world, session, world.personal, 0.8)
    kr = review.key_results[world.kr(world.personal, 0)]
    (entry,) = kr["scores"]
    assert entry["kind"] == "calibration" and entry["score"] == 0.8
    assert entry["calibration_session_id"] == str(session.id) and entry["reason"] == "sets the bar"
    (adjustment,) = session.adjustments
    assert adjustment["by"] == "cto" and adjustment["at"] == world.clock.now().isoformat()
    assert adjustment["previous_score"] == 0.0 and adjustment["reason"] == "sets the bar"
    assert adjustment["review_version"] == review.version == 2
    assert review.score == 0.6 and review.band["color"] == "yellow"
    assert stored_names(world.store)[-2:] == ["Review.Scored", "CalibrationSession.ScoreCalibrated"]


def test_a_calibration_needs_no_remark_however_far_from_the_suggestion(world):
    session = open_session(world)
    review, _ = adjust(world, session, world.team, 1.0, index=1)
    assert review.key_results[world.kr(world.team, 1)]["scores"][0]["remark"] is None


def test_the_session_is_saved_with_the_review_or_not_at_all(world):
    session = open_session(world)
    calibration = world.service.calibration
    stale = world.store.repository.get(session.id)
    adjust(world, session, world.personal, 0.8)
    review_id = world.review_id(world.personal)
    version = world.reviews.review(ADMIN, review_id).version
    before = world.stored()
    calibration.store.find = lambda kind, uid, tenant: (
        stale if uid == session.id else type(world.store).find(world.store, kind, uid, tenant)
    )
    with pytest.raises(VersionConflict):
        adjust(world, session, world.personal, 0.9, version=version)
    assert world.stored() == before
    assert world.reviews.review(ADMIN, review_id).version == version


@pytest.mark.parametrize(
    "who, unit",
    [
        (ADMIN, "web"),
        (with_roles("lead", "leader"), "web"),
        (with_roles("ceo", "leader"), "acme"),
        (with_roles("cto", "leader", "auditor"), "rnd"),
    ],
)
def test_admins_and_leaders_of_the_unit_or_above_open_a_session(world, who, unit):
    session = open_session(world, unit, who)
    assert session.org_unit_id == unit and session.opened["by"] == who.actor_id
    assert world.service.calibration.session(who, str(session.id)).status == "open"


@pytest.mark.parametrize(
    "who, unit",
    [
        (with_roles("lead"), "web"),
        (with_roles("lead", "manager"), "web"),
        (with_roles("lead", "leader"), "rnd"),
        (with_roles("vps", "leader"), "rnd"),
        (with_roles("cto", "auditor"), "rnd"),
    ],
)
def test_others_may_not_open_a_session(world, who, unit):
    refused(world, Forbidden, "#/org_unit_id", lambda: open_session(world, unit, who))


def test_the_distribution_covers_the_units_subtree_per_unit_manager_and_commitment(world):
    session = open_session(world)
    adjust(world, session, world.personal, 0.8)
    found = world.service.calibration.calibration(CTO, CYCLE, "rnd")
    assert {o.objective["objective_id"] for o in found.objectives} == {
        str(world.personal.id),
        str(world.team.id),
    }
    overall = found.distribution["overall"]
    assert overall == {
        "count": 2,
        "mean": 0.3,
        "spread": 0.3,
        "bands": {"red": 0.5, "yellow": 0.5, "green": 0.0},
    }
    assert set(found.distribution["by_org_unit"]) == {"web"}
    assert found.distribution["by_manager"]["lead"]["mean"] == 0.6
    assert found.distribution["by_manager"][""]["count"] == 1
    whole = world.service.calibration.calibration(with_roles("ceo", "leader"), CYCLE, "acme")
    assert whole.distribution["overall"]["count"] == 3
    assert set(whole.distribution["by_commitment"]) == {"aspirational", "committed"}
    assert whole.distribution["by_manager"]["vps"]["count"] == 1


def test_auditors_see_the_distribution_and_sessions_but_adjust_nothing(world):
    session = open_session(world)
    auditor = with_roles("ceo", "auditor")
    assert world.service.calibration.calibration(auditor, CYCLE, "rnd").distribution
    assert world.service.calibration.session(auditor, str(session.id)).id == session.id
    refused(
        world,
        Forbidden,
        "path:session_id",
        lambda: adjust(world, session, world.personal, 0.8, who=auditor),
    )


def test_outsiders_neither_see_the_distribution_nor_find_the_session(world):
    session = open_session(world)
    outsider = with_roles("vps", "leader")
    with pytest.raises(Forbidden) as raised:
        world.service.calibration.calibration(outsider, CYCLE, "rnd")
    assert raised.value.field == "query:org_unit_id"
    with pytest.raises(SessionNotFound):
        world.service.calibration.session(outsider, str(session.id))
    with pytest.raises(SessionNotFound):
        world.service.calibration.session(CTO, "not-a-uuid")
    with pytest.raises(NotFound):
        world.service.calibration.calibration(CTO, CYCLE, "nowhere")
    with pytest.raises(NotFound):
        world.service.calibration.calibration(CTO, "2031-Q9", "rnd")


def test_a_session_closes_with_a_reason_once(world):
    session = open_session(world)
    calibration = world.service.calibration
    refused(
        world,
        InvalidField,
        "#/reason",
        lambda: calibration.close(CloseSession(str(session.id), "  "), CTO),
    )
    closed = calibration.close(CloseSession(str(session.id), "agreed"), CTO)
    assert closed.status == "closed" and closed.closed["by"] == "cto"
    refused(
        world,
        SessionClosed,
        "path:session_id",
        lambda: calibration.close(CloseSession(str(session.id), "again"), CTO),
    )


# ---- bad input: the field named, nothing stored


def test_a_session_without_reason_is_refused(world):
    refused(world, InvalidField, "#/reason", lambda: open_session(world, reason=" "))


def test_a_calibration_without_reason_is_refused(world):
    session = open_session(world)
    refused(
        world, InvalidField, "#/reason", lambda: adjust(world, session, world.personal, 0.8, " ")
    )


@pytest.mark.parametrize("score", [0.35, 1.2, -0.1, "0.5", True])
def test_a_score_off_the_step_or_outside_0_to_1_is_refused(world, score):
    session = open_session(world)
    refused(world, InvalidField, "#/score", lambda: adjust(world, session, world.personal, score))


def test_a_session_for_an_unknown_unit_is_refused(world):
    refused(world, UnknownReference, "#/org_unit_id", lambda: open_session(world, "nowhere"))


def test_a_session_for_a_unit_outside_the_callers_reach_is_refused(world):
    refused(world, Forbidden, "#/org_unit_id", lambda: open_session(world, "sales"))


def test_a_review_outside_the_sessions_subtree_is_refused(world):
    session = open_session(world, "web", with_roles("lead", "leader"))
    lead = with_roles("lead", "leader")
    refused(
        world,
        InvalidField,
        "#/review_id",
        lambda: adjust(world, session, world.committed, 1.0, who=lead),
    )


def test_adjusting_in_a_closed_session_is_refused(world):
    session = open_session(world)
    world.service.calibration.close(CloseSession(str(session.id), "agreed"), CTO)
    refused(
        world, SessionClosed, "path:session_id", lambda: adjust(world, session, world.personal, 0.8)
    )


def test_a_session_or_an_adjustment_outside_grading_is_refused():
    world = World()
    refused(world, NotGrading, "#", lambda: open_session(world))
    world.grade()
    session = open_session(world)
    world.goals.cycles.advance_cycle(AdvanceCycle(CYCLE, "closed", "done"), ADMIN)
    world.learn()
    refused(world, NotGrading, "#", lambda: adjust(world, session, world.personal, 0.8))


def test_after_finalisation_there_is_no_calibration(world):
    session = open_session(world)
    world.reviews.finalise(FinaliseReview(CYCLE, "done"), ADMIN)
    refused(
        world,
        ReviewFinalisedError,
        "#/review_id",
        lambda: adjust(world, session, world.personal, 0.8),
    )


def test_a_stale_expected_version_is_a_conflict(world):
    session = open_session(world)
    refused(
        world, VersionConflict, None, lambda: adjust(world, session, world.personal, 0.8, version=0)
    )


def test_a_calibration_is_not_a_score_kind_the_scoring_routes_give(world):
    review_id = world.review_id(world.personal)
    command = ScoreKeyResult(review_id, world.kr(world.personal, 0), "calibration", 0.5, 1)
    refused(world, InvalidField, "#/kind", lambda: world.reviews.score(command, ADMIN))


def test_a_refusal_resting_on_lagging_knowledge_is_not_known_yet():
    world = World(freshness=FakeFreshness(False))
    world.grade()
    with pytest.raises(NotKnownYet):
        open_session(world, "sales")


# ---- finalisation by a unit's leader


def test_a_leader_finalises_the_reviews_of_their_unit_and_below(world):
    session = open_session(world)
    adjust(world, session, world.personal, 0.8)
    finalised = world.reviews.finalise(FinaliseReview(CYCLE, "rnd agreed", "rnd"), CTO)
    assert {r.objective_id for r in finalised} == {str(world.personal.id), str(world.team.id)}
    committed = world.reviews.review(ADMIN, world.review_id(world.committed))
    assert committed.finalised is None
    personal = world.reviews.review(ADMIN, world.review_id(world.personal))
    assert personal.finalised["by"] == "cto"
    assert personal.final_scores()[0]["score_kind"] == "calibration"
    assert world.reviews.finalise(FinaliseReview(CYCLE, "rest", "sales"), ADMIN)


@pytest.mark.parametrize(
    "who, unit, error, pointer",
    [
        (with_roles("cto"), "rnd", Forbidden, "#/org_unit_id"),
        (with_roles("cto", "manager"), "rnd", Forbidden, "#/org_unit_id"),
        (with_roles("lead", "leader"), "rnd", Forbidden, "#/org_unit_id"),
        (with_roles("vps", "leader"), "rnd", Forbidden, "#/org_unit_id"),
        (CTO, None, Forbidden, "#"),
        (CTO, "nowhere", UnknownReference, "#/org_unit_id"),
    ],
)
def test_who_may_finalise_a_unit(world, who, unit, error, pointer):
    refused(
        world, error, pointer, lambda: world.reviews.finalise(FinaliseReview(CYCLE, "x", unit), who)
    )


# ---- contracts


def test_every_calibration_event_is_published_in_its_contract(world):
    session = open_session(world)
    adjust(world, session, world.personal, 0.8)
    world.service.calibration.close(CloseSession(str(session.id), "agreed"), CTO)
    world.reviews.finalise(FinaliseReview(CYCLE, "rnd agreed", "rnd"), CTO)
    registry = default_registry()
    published = {}
    for notification in world.store.recorder.select_notifications(0, 1000):
        event = to_cloud_event(world.store.mapper.to_domain_event(notification), registry)
        assert event is not None
        registry.validate("reviews", event.schema_name, event.schema_version, event.data)
        published.setdefault(event.schema_name, []).append(event)
    (opened,) = published["CalibrationSessionOpened"]
    assert opened.subject == str(session.id) and opened.data["org_unit_id"] == "rnd"
    (calibrated,) = published["ScoreCalibrated"]
    assert calibrated.actorid == "cto" and calibrated.data["calibrated_by"] == "cto"
    assert calibrated.data["previous_score"] == 0.0 and calibrated.data["reason"] == "sets the bar"
    scored = next(e for e in published["KeyResultScored"] if e.data["kind"] == "calibration")
    assert scored.data["calibration_session_id"] == str(session.id)
    assert scored.sequence == calibrated.data["review_version"]
    (closed,) = published["CalibrationSessionClosed"]
    assert closed.data["adjustments"] == 1
    finals = [k["score_kind"] for e in published["ReviewFinalised"] for k in e.data["key_results"]]
    assert "calibration" in finals and len(published["ReviewFinalised"]) == 2
