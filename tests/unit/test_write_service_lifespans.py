"""The write services run their background work through the shared runtime: the readiness checks
they register follow their switches, and at shutdown their knowledge table is closed (Kafka's
side, the consumer and the relay, is proved on the real stack in tests/integration)."""

import pytest
from fastapi.testclient import TestClient

from okr_checkins.bootstrap import bootstrap as checkins
from okr_checkins.http import create_http_app as checkins_http
from okr_checkins.settings import CheckinsSettings
from okr_goals.bootstrap import bootstrap as goals
from okr_goals.http import create_http_app as goals_http
from okr_goals.settings import GoalsSettings
from okr_reviews.bootstrap import bootstrap as reviews
from okr_reviews.http import create_http_app as reviews_http
from okr_reviews.settings import ReviewsSettings
from okr_shared.knowledge_table import MemoryKnowledge


class ClosingKnowledge(MemoryKnowledge):
    def __init__(self):
        super().__init__()
        self.closed = False

    def close(self):
        self.closed = True


def checks(client) -> set[str]:
    return set(client.get("/health/ready").json()["checks"])


def sqlite(prefix, tmp_path):
    return {
        f"{prefix}_PERSISTENCE_MODULE": "eventsourcing.sqlite",
        f"{prefix}_SQLITE_DBNAME": str(tmp_path / f"{prefix.lower()}.sqlite"),
    }


KAFKA_OFF = {"consume": False, "relay_enabled": False}


def served(bootstrap, http, settings, background):
    knowledge = ClosingKnowledge()
    return http(bootstrap(settings, knowledge=knowledge), background), knowledge


def checkins_service(tmp_path, background=True, **switches):
    store = sqlite("CHECKINS", tmp_path)
    settings = CheckinsSettings(
        event_store=store, reminder_interval_seconds=3600, **KAFKA_OFF, **switches
    )
    return served(checkins, checkins_http, settings, background)


def reviews_service(tmp_path, background=True, **switches):
    store = sqlite("REVIEWS", tmp_path)
    settings = ReviewsSettings(
        event_store=store, grading_reminder_interval_seconds=3600, **KAFKA_OFF, **switches
    )
    return served(reviews, reviews_http, settings, background)


@pytest.mark.parametrize(
    "service, task", [(checkins_service, "reminders"), (reviews_service, "grading-reminders")]
)
def test_the_reminder_scheduler_is_a_checked_task_and_the_knowledge_closes_last(
    tmp_path, service, task
):
    app, knowledge = service(tmp_path)
    with TestClient(app) as client:
        assert checks(client) == {"event-store", task}
        assert client.get("/health/ready").status_code == 200
        assert not knowledge.closed
    assert knowledge.closed


@pytest.mark.parametrize(
    "service, switch",
    [
        (checkins_service, {"reminders_enabled": False}),
        (reviews_service, {"grading_reminders_enabled": False}),
    ],
)
def test_switched_off_the_scheduler_does_not_run(tmp_path, service, switch):
    app, _ = service(tmp_path, **switch)
    with TestClient(app) as client:
        assert checks(client) == {"event-store"}


@pytest.mark.parametrize("service", [checkins_service, reviews_service])
def test_without_background_only_the_event_store_is_checked(tmp_path, service):
    app, knowledge = service(tmp_path, background=False)
    with TestClient(app) as client:
        assert checks(client) == {"event-store"}
    assert knowledge.closed


def test_the_goal_service_without_its_relay_checks_only_its_event_store(tmp_path):
    settings = GoalsSettings(event_store=sqlite("GOALS", tmp_path), relay_enabled=True)
    with TestClient(goals_http(goals(settings), run_relay=False)) as client:
        assert checks(client) == {"event-store"}
