"""Sending grading reminders over the review service's store: once per period, person and role,
across restarts and replicas; settled by scores, finalisation and departures."""

from datetime import timedelta

import pytest

from okr_goals.directory.commands import ImportDirectory
from okr_reviews.bootstrap import build_handlers
from okr_reviews.contracts import to_cloud_event
from okr_reviews.reminders.domain import GradingReminderLedger, Schedule
from okr_reviews.reviews.commands import FinaliseReview, ScoreKeyResult
from okr_reviews.store import ReviewsStore
from okr_shared.clock import FixedClock
from okr_shared.contracts import default_registry
from okr_shared.knowledge_table import MemoryKnowledge
from tests.support.org import ADMIN, CYCLE, ORG_UNITS, PEOPLE, caller, rows
from tests.support.reviews import NOW, World, grading_opened_at, grading_reminders

SCHEDULE = Schedule(period_days=7, window_days=14)


def sqlite_env(tmp_path):
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "reviews.sqlite"),
    }


@pytest.fixture
def world(tmp_path):
    """The review world over an SQLite store (so a second replica can share it), graded."""
    knowledge = MemoryKnowledge()
    clock = FixedClock(NOW)
    env = sqlite_env(tmp_path)
    world = World(handlers=build_handlers(ReviewsStore(env=env), knowledge, clock, None, SCHEDULE))
    world.env, world.clock = env, clock
    world.grade()
    world.opened = grading_opened_at(world)
    world.clock.at = world.opened + timedelta(hours=1)
    return world


def replica(world):
    """A second review service over the same event store and knowledge."""
    store = ReviewsStore(env=world.env)
    return build_handlers(store, world.knowledge, world.clock, None, SCHEDULE)


def self_score(world, objective, index, who="dev"):
    review = world.reviews.review(ADMIN, world.review_id(objective))
    command = ScoreKeyResult(
        world.review_id(objective), world.kr(objective, index), "self", 0.5, review.version, "ok"
    )
    world.reviews.score(command, caller(who))


def test_owners_get_one_due_reminder_per_period_naming_their_key_results(world):
    assert world.service.reminders.send_reminders() == 3
    start = world.opened.isoformat()
    assert sorted(grading_reminders(world.store)) == sorted(
        [
            (
                "due",
                "dev",
                "owner",
                start,
                (world.kr(world.personal, 0), world.kr(world.personal, 1)),
            ),
            ("due", "dev", "owner", start, (world.kr(world.team, 0),)),
            ("due", "rep", "owner", start, (world.kr(world.committed, 0),)),
        ]
    )


def test_repeated_runs_within_a_period_send_nothing_and_the_next_period_sends_again(world):
    reminders = world.service.reminders
    assert reminders.send_reminders() == 3
    assert reminders.send_reminders() == 0
    world.clock.advance(days=5)
    assert reminders.send_reminders() == 0
    world.clock.advance(days=2)
    assert reminders.send_reminders() == 3
    sent = grading_reminders(world.store)
    assert len(sent) == len(set(sent)) == 6


def test_a_restarted_service_and_a_second_replica_send_nothing_twice(world):
    assert world.service.reminders.send_reminders() == 3
    assert replica(world).reminders.send_reminders() == 0
    assert len(grading_reminders(world.store)) == 3


def test_a_replica_that_read_the_ledger_before_the_other_saved_it_records_nothing(world):
    other = replica(world)
    stale = other.store.find
    other.store.find = lambda kind, uid, tenant: (
        None if kind is GradingReminderLedger else stale(kind, uid, tenant)
    )
    assert world.service.reminders.send_reminders() == 3
    assert other.reminders.send_reminders() == 0
    assert len(grading_reminders(world.store)) == 3


def test_a_self_score_ends_the_owners_reminder_and_starts_the_managers(world):
    self_score(world, world.personal, 0)
    world.service.reminders.send_reminders()
    start = world.opened.isoformat()
    sent = grading_reminders(world.store)
    assert ("due", "dev", "owner", start, (world.kr(world.personal, 1),)) in sent
    assert ("due", "lead", "manager", start, (world.kr(world.personal, 0),)) in sent


def test_after_the_window_owners_are_overdue_and_managers_look_at_every_unscored_key_result(world):
    world.clock.at = world.opened + timedelta(days=14)
    assert world.service.reminders.send_reminders() == 6
    start = (world.opened + timedelta(days=14)).isoformat()
    sent = grading_reminders(world.store)
    assert {(k, p, r) for k, p, r, s, _ in sent if s == start} == {
        ("overdue", "dev", "owner"),
        ("overdue", "rep", "owner"),
        ("due", "lead", "manager"),
        ("due", "vps", "manager"),
    }
    assert ("due", "vps", "manager", start, (world.kr(world.committed, 0),)) in sent


def test_nothing_is_sent_for_finalised_reviews(world):
    world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
    world.clock.at = world.opened + timedelta(days=30)
    assert world.service.reminders.send_reminders() == 0
    assert grading_reminders(world.store) == []


def test_nothing_is_sent_to_people_who_left(world):
    people = [{**p, "status": "left"} if p["person_id"] == "rep" else p for p in PEOPLE]
    world.goals.directory.import_directory(
        ImportDirectory(org_units=rows(ORG_UNITS), people=rows(people)), ADMIN
    )
    world.learn()
    assert world.service.reminders.send_reminders() == 2
    assert {p for _, p, *_ in grading_reminders(world.store)} == {"dev"}


def test_nothing_before_grading_and_only_the_given_tenant(world):
    assert world.service.reminders.send_reminders("other-tenant") == 0
    world.clock.at = world.opened - timedelta(minutes=1)
    assert world.service.reminders.send_reminders() == 0


def test_every_reminder_is_published_in_its_contract_with_the_review_as_subject(world):
    self_score(world, world.personal, 0)
    world.service.reminders.send_reminders()
    world.clock.at = world.opened + timedelta(days=14)
    world.service.reminders.send_reminders()
    registry = default_registry()
    published = []
    for notification in world.store.recorder.select_notifications(0, 1000):
        event = to_cloud_event(world.store.mapper.to_domain_event(notification), registry)
        if event is not None and event.schema_name.startswith("Grading"):
            registry.validate("reviews", event.schema_name, 1, event.data)
            assert event.subject == event.data["review_id"]
            assert event.actorid == "okr-reviews-scheduler"
            published.append((event.schema_name, event.data["role"]))
    assert {*published} == {
        ("GradingDue", "owner"),
        ("GradingDue", "manager"),
        ("GradingOverdue", "owner"),
    }
