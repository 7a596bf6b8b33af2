"""The incentive service's events: every schema valid and catalogued, every stored event
published in its contract with a stream annotation."""

import pytest

from okr_incentives.awards.commands import BindPolicy
from okr_incentives.contracts import to_cloud_event
from okr_incentives.policies.commands import SetRewardPolicy
from okr_shared.contracts import default_registry, vocabulary
from okr_shared.contracts.registry import SCHEMA_DIR
from okr_shared.messaging import INCENTIVES_TOPIC
from tests.support.catalogue import assert_schema_is_valid_and_documented, catalogue
from tests.support.incentives import ADMIN, CYCLE, POLICY, SmallOrg

INCENTIVES = SCHEMA_DIR / "incentives"


@pytest.mark.parametrize("path", sorted(INCENTIVES.glob("*.json")), ids=lambda p: p.name)
def test_every_schema_is_valid_2020_12_and_documented(path):
    assert_schema_is_valid_and_documented(path, "incentives")


def test_the_catalogue_lists_every_schema_at_its_latest_version():
    registry = default_registry()
    events = catalogue(INCENTIVES_TOPIC)
    assert set(events) == {p.name.split(".")[0] for p in INCENTIVES.glob("*.json")}
    for name, version in events.items():
        assert registry.latest_version("incentives", name) == version


def test_every_latest_schema_names_its_stream():
    assert vocabulary.events_of("incentives", "reward_policy") == {"RewardPolicySet"}
    assert vocabulary.events_of("incentives", "cycle_awards") == {
        "PolicyBoundToCycle",
        "AwardGranted",
        "AwardAdjusted",
    }


def test_every_stored_event_is_published_in_its_contract():
    org = SmallOrg()
    org.learn_directory()
    org.finalise()
    org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "house rules"), ADMIN)
    org.awards.bind(BindPolicy(CYCLE, "bonus", 1, "Q1 bonus"), ADMIN)
    correction = org.correct("dev-latency", 0.8)
    registry = default_registry()
    published = []
    for notification in org.store.recorder.select_notifications(0, 1000):
        event = to_cloud_event(org.store.mapper.to_domain_event(notification), registry)
        if event is not None:
            registry.validate("incentives", event.schema_name, event.schema_version, event.data)
            published.append(event)
    names = [e.schema_name for e in published]
    assert names == [
        "RewardPolicySet",
        "PolicyBoundToCycle",
        *["AwardGranted"] * 4,
        "AwardAdjusted",
    ]
    assert {e.subject for e in published[1:]} == {CYCLE}
    assert published[0].subject == "bonus" and published[0].data["version"] == 1
    adjusted = published[-1].data
    assert adjusted["source_event_id"] == correction.id and adjusted["points"] == 60
    granted = published[2].data
    assert granted["badges"] == [] and granted["policy_version"] == 1
    assert granted["evidence"][0]["type"] == "okr.reviews.ReviewFinalised"
    assert all(e.tenantid == "acme" and e.actorid == "ceo" for e in published)
