"""Events and snapshots stored before the check-in service moved its classes still load."""

import json
import shutil
from pathlib import Path
from uuid import UUID

import pytest

from okr_checkins.store import CheckinsStore
from okr_checkins.stored_topics import old_topics

FIXTURES = Path(__file__).parent.parent / "support" / "fixtures"
EXPECTED = json.loads((FIXTURES / "checkins_store_v0.json").read_text())


@pytest.fixture
def app(tmp_path):
    shutil.copy(FIXTURES / "checkins_store_v0.sqlite", tmp_path / "store.sqlite")
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": str(tmp_path / "store.sqlite"),
    }
    return CheckinsStore(env=env)


def state(aggregate) -> dict:
    fields = {k: v for k, v in sorted(aggregate.__dict__.items()) if not k.startswith("_")}
    return json.loads(json.dumps(fields, sort_keys=True, default=str))


def test_the_fixture_holds_every_old_topic_of_an_event():
    events = {t for t in old_topics() if t.count(":") == 1 and "." in t.split(":")[1]}
    assert set(EXPECTED["topics"]) == events


def test_every_event_stored_under_an_old_topic_is_read_as_the_moved_class(app):
    notifications = app.recorder.select_notifications(0, 1000)
    assert {n.topic for n in notifications} == set(EXPECTED["topics"])
    for n in notifications:
        assert isinstance(app.mapper.to_domain_event(n), old_topics()[n.topic])


def test_aggregates_load_from_their_old_snapshots_and_from_their_old_events(app):
    for aggregate_id, expected in EXPECTED["aggregates"].items():
        uid = UUID(aggregate_id)
        assert app.snapshots is not None and list(app.snapshots.get(uid))
        from_snapshot = app.repository.get(uid)
        from_events = None
        for stored in app.events.get(uid):
            from_events = stored.mutate(from_events)
        for aggregate in (from_snapshot, from_events):
            assert type(aggregate).__name__ == expected["class"]
            assert aggregate.version == expected["version"]
            assert state(aggregate) == expected["state"]
