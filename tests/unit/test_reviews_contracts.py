"""The review service's events: every schema valid and catalogued, every stored event published
in its contract with a stream annotation."""

from datetime import UTC, datetime

import pytest

from okr_reviews.contracts import to_cloud_event
from okr_reviews.reviews.commands import FinaliseReview, ScoreKeyResult
from okr_reviews.rules.commands import SetScoringRules
from okr_reviews.rules.domain import DEFAULT_RULES
from okr_shared.contracts import default_registry, vocabulary
from okr_shared.contracts.registry import SCHEMA_DIR
from tests.support.catalogue import assert_schema_is_valid_and_documented, catalogue
from tests.support.org import ADMIN, CYCLE, caller
from tests.support.reviews import World

REVIEWS = SCHEMA_DIR / "reviews"


@pytest.mark.parametrize("path", sorted(REVIEWS.glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_valid_2020_12_and_documented(path):
    assert_schema_is_valid_and_documented(path, "reviews")


def test_the_catalogue_lists_every_schema_at_its_latest_version():
    registry = default_registry()
    events = catalogue("okr.reviews.v1")
    assert set(events) == {p.name.split(".")[0] for p in REVIEWS.glob("*.json")}
    for name, version in events.items():
        assert registry.latest_version("reviews", name) == version


def test_every_latest_schema_names_its_stream():
    assert vocabulary.events_of("reviews", "review") == {
        "ReviewOpened",
        "SuggestionRevised",
        "KeyResultScored",
        "ReviewFinalised",
        "ReviewRescored",
    }
    assert vocabulary.events_of("reviews", "scoring_rules") == {"ScoringRulesSet"}
    assert vocabulary.events_of("reviews", "calibration_session") == {
        "CalibrationSessionOpened",
        "ScoreCalibrated",
        "CalibrationSessionClosed",
    }


def test_every_stored_event_is_published_in_its_contract():
    world = World()
    world.rules.set_rules(SetScoringRules(DEFAULT_RULES, "house rules"), ADMIN)
    kr = world.kr(world.personal, 0)
    world.check_in(kr, 50.0, "2026-03-10T00:00:00Z", datetime(2026, 3, 10, tzinfo=UTC))
    world.grade()
    world.check_in(kr, 60.0, "2026-03-11T00:00:00Z", datetime(2026, 3, 11, tzinfo=UTC))
    review_id = world.review_id(world.personal)
    world.reviews.score(ScoreKeyResult(review_id, kr, "self", 0.5, 2), caller("dev"))
    world.reviews.finalise(FinaliseReview(CYCLE, "calibrated"), ADMIN)
    registry = default_registry()
    published = []
    store = world.store
    for notification in store.recorder.select_notifications(0, 1000):
        event = to_cloud_event(store.mapper.to_domain_event(notification), registry)
        if event is not None:
            registry.validate("reviews", event.schema_name, event.schema_version, event.data)
            published.append(event)
    names = [e.schema_name for e in published]
    assert names.count("ReviewOpened") == 3 and names.count("ReviewFinalised") == 3
    assert names[0] == "ScoringRulesSet" and "KeyResultScored" in names
    assert names.count("SuggestionRevised") == 1
    finalised = next(
        e for e in published if e.schema_name == "ReviewFinalised" and e.subject == review_id
    )
    assert finalised.data["rule_version"] == 1
    assert finalised.data["key_results"][0]["score"] == 0.5
    assert finalised.tenantid == "acme" and finalised.actorid == "ceo"
