"""Calibration on the review service's real PostgreSQL event store: an adjustment stores the
session's `ScoreCalibrated` and the review's calibration score in one transaction (both or
neither), and both read back from a fresh store in their published contracts."""

import pytest

from okr_reviews.bootstrap import build_handlers, knowledge_store
from okr_reviews.calibration.commands import AdjustScore, OpenSession
from okr_reviews.calibration.domain import CalibrationSession
from okr_reviews.contracts import to_cloud_event
from okr_reviews.reviews.domain import Review
from okr_reviews.store import ReviewsStore
from okr_shared.clock import FixedClock
from okr_shared.contracts import default_registry
from okr_shared.errors import VersionConflict
from tests.conftest import postgres_env
from tests.support.org import CYCLE
from tests.support.reviews import NOW, World, with_roles

CTO = with_roles("cto", "leader")


def reviews_env(infra, dbname):
    return postgres_env(infra, dbname, "REVIEWS")


@pytest.fixture
def knowledge(infra, postgres_db):
    """The review service's knowledge table in the test's PostgreSQL database."""
    table = knowledge_store(reviews_env(infra, postgres_db))
    yield table
    table.close()


def test_an_adjustment_stores_session_and_review_together_on_postgres(
    infra, postgres_db, knowledge
):
    env = reviews_env(infra, postgres_db)
    store = ReviewsStore(env=env)
    world = World(handlers=build_handlers(store, knowledge, FixedClock(NOW)))
    world.grade()
    calibration = world.service.calibration
    session = calibration.open(OpenSession(CYCLE, "rnd", "q1"), CTO)
    review_id = world.review_id(world.personal)
    kr = world.kr(world.personal, 0)
    calibration.adjust(AdjustScore(str(session.id), review_id, kr, 0.8, "bar", 1), CTO)

    # A stale session (version 1) conflicts; the review's score is not stored either.
    stale = store.repository.get(session.id, version=1)
    real_find = store.find
    store.find = (
        lambda kind, uid, tenant: stale if uid == session.id else real_find(kind, uid, tenant)
    )
    before = store.recorder.max_notification_id()
    with pytest.raises(VersionConflict):
        calibration.adjust(AdjustScore(str(session.id), review_id, kr, 0.9, "again", 2), CTO)
    assert store.recorder.max_notification_id() == before

    fresh = ReviewsStore(env=env)
    review = fresh.find(Review, world.reviews.review(CTO, review_id).id, "acme")
    kept = fresh.find(CalibrationSession, session.id, "acme")
    assert review.version == 2 and review.key_results[kr]["scores"][-1]["kind"] == "calibration"
    assert [a["score"] for a in kept.adjustments] == [0.8]
    registry = default_registry()
    names = []
    for notification in fresh.recorder.select_notifications(0, 1000):
        event = to_cloud_event(fresh.mapper.to_domain_event(notification), registry)
        registry.validate("reviews", event.schema_name, event.schema_version, event.data)
        names.append(event.schema_name)
    assert names[-2:] == ["KeyResultScored", "ScoreCalibrated"]
