"""The check-in application on in-memory stores, with goal knowledge learned from real goal
events."""

from datetime import UTC, datetime, timedelta

import pytest

from okr_checkins.check_ins.commands import CorrectCheckIn, RecordCheckIn, Report
from okr_checkins.check_ins.domain import KeyResultClosed
from okr_checkins.conversations.commands import StartConversation
from okr_checkins.feed.commands import FeedItem
from okr_checkins.feedback.commands import GiveFeedback
from okr_goals.objectives.commands import (
    Change,
    ChangeObjectiveStatus,
)
from okr_shared.errors import (
    Conflict,
    Forbidden,
    InvalidField,
    NotFound,
    NotKnownYet,
    UnknownReference,
)
from tests.support.checkins import FEB, World
from tests.support.freshness import FakeFreshness
from tests.support.org import ADMIN, caller


@pytest.fixture
def world() -> World:
    return World()


def report(value=60.0, confidence=7, **kw) -> Report:
    return Report(
        value=value,
        confidence=confidence,
        note={"progress": "moved", "plans": "more", "problems": ""},
        **kw,
    )


def test_owner_checks_in_with_confidence_band_and_effective_time_now(world):
    c = world.check_ins.record_check_in(
        RecordCheckIn(world.numeric, report(confidence=5)), caller("dev")
    )
    assert (c["value"], c["confidence_band"], c["effective_at"]) == (
        60.0,
        "at_risk",
        FEB.isoformat(),
    )
    assert world.check_ins.value(caller("dev"), world.numeric)["progress"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    "kr, rep, pointer",
    [
        ("numeric", report(value=True), "#/value"),
        ("numeric", report(value="60"), "#/value"),
        ("milestone", report(value=1.0), "#/value"),
        ("numeric", report(confidence=11), "#/confidence"),
        ("numeric", report(confidence=-1), "#/confidence"),
        ("numeric", report(effective_at=FEB + timedelta(days=1)), "#/effective_at"),
        ("numeric", report(effective_at=datetime(2025, 12, 31, tzinfo=UTC)), "#/effective_at"),
        ("numeric", report(effective_at=datetime(2026, 2, 1)), "#/effective_at"),
    ],
)
def test_bad_check_ins_name_the_field_and_store_nothing(world, kr, rep, pointer):
    with pytest.raises(InvalidField) as err:
        world.check_ins.record_check_in(RecordCheckIn(getattr(world, kr), rep), caller("dev"))
    assert err.value.field == pointer and world.stored() == 0


def test_unknown_and_foreign_tenant_key_results_are_unknown(world):
    with pytest.raises(UnknownReference) as err:
        world.check_ins.record_check_in(RecordCheckIn("no-such-kr", report()), caller("dev"))
    assert err.value.field == "#/key_result_id"
    with pytest.raises(UnknownReference):
        world.check_ins.record_check_in(
            RecordCheckIn(world.numeric, report()), caller("dev", admin=True, tenant="globex")
        )
    assert world.stored() == 0


def test_closed_objective_takes_no_check_ins(world):
    o = world.objective
    world.goals.objectives.change_status(
        ChangeObjectiveStatus(Change(str(o.id), o.version, "done early"), "closed"), ADMIN
    )
    world.learn()
    with pytest.raises(Conflict) as err:
        world.check_ins.record_check_in(RecordCheckIn(world.numeric, report()), caller("dev"))
    assert err.value.field == "#/key_result_id" and world.stored() == 0


def test_only_owner_contributors_managers_and_admins_check_in(world):
    with pytest.raises(Forbidden):
        world.check_ins.record_check_in(RecordCheckIn(world.numeric, report()), caller("rep"))
    for who in ("dev", "lead", "cto"):
        world.check_ins.record_check_in(RecordCheckIn(world.numeric, report()), caller(who))
    world.check_ins.record_check_in(
        RecordCheckIn(world.milestone, report(value=True)), caller("lead")
    )


def test_correction_of_a_missing_check_in_names_it(world):
    with pytest.raises(InvalidField) as err:
        world.check_ins.correct_check_in(
            CorrectCheckIn(world.numeric, "nope", report(), "typo"), caller("dev")
        )
    assert err.value.field == "#/corrects" and world.stored() == 0


def test_as_known_at_and_as_effective_at_differ_after_a_correction(world):
    jan_10 = datetime(2026, 1, 10, tzinfo=UTC)
    first = world.check_ins.record_check_in(
        RecordCheckIn(world.numeric, report(70.0, effective_at=jan_10)), caller("dev")
    )
    world.clock.advance(days=1)
    before_correction = world.clock.now()
    world.clock.advance(days=1)
    world.check_ins.correct_check_in(
        CorrectCheckIn(world.numeric, first["check_in_id"], report(75.0), "misread"), caller("dev")
    )
    world.clock.advance(days=1)
    world.check_ins.record_check_in(
        RecordCheckIn(world.numeric, report(80.0, effective_at=datetime(2026, 1, 5, tzinfo=UTC))),
        caller("dev"),
    )
    jan_12 = datetime(2026, 1, 12, tzinfo=UTC)
    then = world.check_ins.value(
        caller("dev"), world.numeric, effective_at=jan_12, known_at=before_correction
    )
    now = world.check_ins.value(caller("dev"), world.numeric, effective_at=jan_12)
    assert (then["value"], now["value"]) == (70.0, 75.0)
    assert (
        world.check_ins.value(
            caller("dev"), world.numeric, effective_at=datetime(2026, 1, 6, tzinfo=UTC)
        )["value"]
        == 80
    )
    history = world.check_ins.history(caller("dev"), world.numeric)
    assert [c["value"] for c in history] == [70.0, 75.0, 80.0]
    assert history[0]["replaced_by"] == history[1]["check_in_id"]
    assert (
        len(world.check_ins.history(caller("dev"), world.numeric, known_at=before_correction)) == 1
    )


def test_retried_feed_batch_records_nothing_twice_and_reports_per_item(world):
    items = [
        FeedItem("crm-1", world.numeric, report(50.0)),
        FeedItem("crm-2", world.milestone, report(value=3.0)),
        FeedItem("crm-3", world.milestone, report(value=True)),
    ]
    integration = caller("bi-connector", tenant="acme")
    integration = type(integration)(integration.meta, frozenset({"integration"}))
    first = world.feed.feed(items, integration)
    stored = world.stored()
    again = world.feed.feed(items, integration)
    assert [r.status for r in first] == ["recorded", "rejected", "recorded"]
    assert first[1].problem["pointer"] == "#/items/1/value"
    assert [r.status for r in again] == ["duplicate", "rejected", "duplicate"]
    assert [r.check_in_id for r in again] == [r.check_in_id for r in first]
    assert world.stored() == stored
    with pytest.raises(Forbidden):
        world.feed.feed(items, caller("dev"))


def test_conversations_are_between_a_person_and_their_manager(world):
    talk = world.conversations.start_conversation(
        StartConversation("dev", "Q1 check"), caller("dev")
    )
    assert talk.manager_id == "lead"
    world.conversations.post_message(caller("lead"), str(talk.id), "Great progress on checkout")
    with pytest.raises(NotFound):
        world.conversations.post_message(caller("rep"), str(talk.id), "let me in")
    with pytest.raises(UnknownReference):
        world.conversations.start_conversation(
            StartConversation("dev", "x", manager_id="vps"), caller("dev")
        )


def test_each_participant_lists_their_conversations_newest_first(world):
    first = world.conversations.start_conversation(StartConversation("dev", "Q1"), caller("dev"))
    second = world.conversations.start_conversation(StartConversation("dev", "Q2"), caller("lead"))
    world.conversations.post_message(caller("dev"), str(second.id), "hello")
    for who in ("dev", "lead"):
        listed = world.conversations.conversations_of(caller(who), None)
        assert [c.topic for c in listed] == ["Q2", "Q1"]
    assert world.conversations.conversations_of(caller("rep"), None) == []
    assert [c.id for c in world.conversations.conversations_of(ADMIN, "dev")] == [
        second.id,
        first.id,
    ]
    with pytest.raises(Forbidden):
        world.conversations.conversations_of(caller("rep"), "dev")


def test_feedback_follows_the_visibility_of_the_goal(world):
    given = world.feedback.give_feedback(
        GiveFeedback(str(world.objective.id), "praise", "Nice!", world.numeric), caller("rep")
    )
    assert given["kind"] == "praise"
    with pytest.raises(NotFound):
        world.feedback.give_feedback(
            GiveFeedback(str(world.private.id), "concern", "Hmm"), caller("dev")
        )
    world.feedback.give_feedback(
        GiveFeedback(str(world.private.id), "suggestion", "Try X"), caller("vps")
    )
    assert len(world.feedback.feedback(caller("rep"), str(world.private.id))) == 1


def test_a_key_result_named_in_the_path_that_is_unknown_is_not_found(world):
    with pytest.raises(NotFound) as err:
        world.check_ins.history(caller("dev"), "no-such-kr")
    assert err.value.what == "key result"
    with pytest.raises(NotFound):
        world.check_ins.value(caller("dev", admin=True, tenant="globex"), world.numeric)


def test_an_unknown_key_result_is_not_known_yet_while_the_knowledge_may_be_behind(world):
    world.goal_knowledge.freshness = FakeFreshness(current=False)
    with pytest.raises(NotKnownYet) as err:
        world.check_ins.record_check_in(RecordCheckIn("no-such-kr", report()), caller("dev"))
    assert err.value.status == 503 and err.value.field == "#/key_result_id"
    assert err.value.headers == {"Retry-After": "1"}
    with pytest.raises(NotKnownYet):
        world.check_ins.history(caller("dev"), "no-such-kr")
    assert world.stored() == 0


def test_a_closed_cycle_or_objective_is_not_known_yet_while_behind_and_refused_once_current(world):
    o = world.objective
    closing = ChangeObjectiveStatus(Change(str(o.id), o.version, "done early"), "closed")
    world.goals.objectives.change_status(closing, ADMIN)
    world.learn()
    world.goal_knowledge.freshness = freshness = FakeFreshness(current=False)
    with pytest.raises(NotKnownYet) as err:
        world.check_ins.record_check_in(RecordCheckIn(world.numeric, report()), caller("dev"))
    assert "the objective is closed" in str(err.value)
    freshness.current = True
    with pytest.raises(KeyResultClosed):
        world.check_ins.record_check_in(RecordCheckIn(world.numeric, report()), caller("dev"))
    assert world.stored() == 0


def test_refusals_that_do_not_rest_on_goal_knowledge_do_not_wait_for_it(world):
    world.goal_knowledge.freshness = freshness = FakeFreshness(current=False)
    with pytest.raises(InvalidField) as err:
        world.check_ins.record_check_in(
            RecordCheckIn(world.numeric, report(confidence=11)), caller("dev")
        )
    assert not isinstance(err.value, NotKnownYet) and err.value.field == "#/confidence"
    world.check_ins.record_check_in(RecordCheckIn(world.numeric, report()), caller("dev"))
    assert freshness.asked == 0 and world.stored() > 0


def test_a_check_in_refused_as_forbidden_is_not_known_yet_while_behind(world):
    world.goal_knowledge.freshness = FakeFreshness(current=False)
    with pytest.raises(NotKnownYet) as err:
        world.check_ins.record_check_in(RecordCheckIn(world.numeric, report()), caller("rep"))
    assert "you may not check in" in str(err.value)
