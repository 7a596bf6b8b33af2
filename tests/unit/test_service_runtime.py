"""The shared lifespan of a write service: the consumer, then the relay, then the tasks start;
they stop in order (tasks and relay loop, publisher, consumer, what the service closes), also
when a start fails part way or a stop fails."""

import asyncio
from types import SimpleNamespace

import pytest
from fastapi import FastAPI

from okr_shared.consumer import AppliedPositions
from okr_shared.health import HealthChecks
from okr_shared.messaging import dead_letter_topic
from okr_shared.outbox import leader_lock
from okr_shared.service_runtime import (
    ServiceRuntime,
    knowledge_freshness,
    outbox_relay,
    start_consuming,
)
from okr_shared.settings import KafkaSettings


class Recorder:
    def __init__(self):
        self.steps = []


class FakePublisher:
    def __init__(self, log, fails_at=None):
        self.log = log
        self.fails_at = fails_at

    async def start(self):
        if self.fails_at == "start":
            raise ConnectionError("no broker")
        self.log.steps.append("publisher started")

    async def stop(self):
        self.log.steps.append("publisher stopped")
        if self.fails_at == "stop":
            raise ConnectionError("gone")


class FakeRelay:
    def __init__(self, log, fails_at=None):
        self.log = log
        self.publisher = FakePublisher(log, fails_at)

    async def run(self, stop):
        self.log.steps.append("relay running")
        await stop.wait()
        self.log.steps.append("relay ended")


class FakeBroker:
    subscribers = ()

    def __init__(self, log):
        self.log = log

    async def stop(self):
        self.log.steps.append("consumer stopped")


def runtime(log, monkeypatch, publisher_fails_at=None, consuming_fails=False, **changes):
    async def no_topics(_kafka, _topics):
        log.steps.append("topics")

    monkeypatch.setattr("okr_shared.service_runtime.ensure_topics", no_topics)

    async def consume():
        if consuming_fails:
            raise ConnectionError("no broker")
        log.steps.append("consuming")

    async def tick(stop):
        await stop.wait()
        log.steps.append("task ended")

    store = type("Store", (), {"recorder": type("R", (), {"max_notification_id": 0})()})()
    parts = {
        "store": store,
        "kafka": KafkaSettings(),
        "topic": "okr.test.v1",
        "new_relay": lambda: FakeRelay(log, publisher_fails_at),
        "broker": FakeBroker(log),
        "start_consuming": consume,
        "tasks": [("ticker", tick)],
        "close": lambda: log.steps.append("closed"),
    }
    return ServiceRuntime(**{**parts, **changes})


def app_with_health():
    app = FastAPI()
    app.state.health = HealthChecks()
    return app


async def test_the_lifespan_starts_and_stops_in_order(monkeypatch):
    log = Recorder()
    app = FastAPI()
    app.state.health = HealthChecks()
    async with runtime(log, monkeypatch).lifespan()(app):
        await asyncio.sleep(0)
        assert set(app.state.health.names) >= {"event-store", "knowledge-consumer", "kafka"}
        assert {"outbox-relay", "ticker"} <= set(app.state.health.names)
    assert log.steps[:3] == ["consuming", "topics", "publisher started"]
    assert log.steps[-3:] == ["publisher stopped", "consumer stopped", "closed"]
    assert {"relay ended", "task ended"} <= set(log.steps)


async def test_switched_off_it_runs_nothing_but_the_event_store_probe(monkeypatch):
    log = Recorder()
    app = FastAPI()
    app.state.health = HealthChecks()
    async with runtime(log, monkeypatch).lifespan(consume=False, relay=False, tasks=False)(app):
        assert app.state.health.names == ["event-store"]
    assert log.steps == ["closed"]


async def test_the_consumer_check_takes_the_name_the_service_gives_it(monkeypatch):
    app = app_with_health()
    named = runtime(Recorder(), monkeypatch, consumer_name="goals-consumer", tasks=())
    async with named.lifespan(relay=False)(app):
        assert app.state.health.names == ["event-store", "goals-consumer", "kafka"]


async def test_a_service_without_consumer_or_close_runs_its_relay_alone(monkeypatch):
    log, app = Recorder(), app_with_health()
    relay_only = runtime(log, monkeypatch, broker=None, start_consuming=None, close=None, tasks=())
    async with relay_only.lifespan()(app):
        assert app.state.health.names == ["event-store", "kafka", "outbox-relay"]
    started, stopped = ["topics", "publisher started"], ["relay ended", "publisher stopped"]
    assert log.steps == [*started, "relay running", *stopped]


async def test_a_relay_that_cannot_start_stops_the_started_consumer_and_closes(monkeypatch):
    log, app = Recorder(), app_with_health()
    failing = runtime(log, monkeypatch, publisher_fails_at="start")
    with pytest.raises(ConnectionError):
        async with failing.lifespan()(app):
            pytest.fail("the app must not serve when its relay did not start")
    assert log.steps == ["consuming", "topics", "consumer stopped", "closed"]


async def test_a_consumer_that_cannot_start_is_stopped_and_the_service_closes(monkeypatch):
    log, app = Recorder(), app_with_health()
    failing = runtime(log, monkeypatch, consuming_fails=True)
    with pytest.raises(ConnectionError):
        async with failing.lifespan()(app):
            pytest.fail("the app must not serve when its consumer did not start")
    assert log.steps == ["consumer stopped", "closed"]


async def test_a_publisher_failing_to_stop_still_lets_the_consumer_stop_and_close(monkeypatch):
    log, app = Recorder(), app_with_health()
    with pytest.raises(ConnectionError):
        async with runtime(log, monkeypatch, publisher_fails_at="stop").lifespan()(app):
            pass
    assert log.steps[-3:] == ["publisher stopped", "consumer stopped", "closed"]


def relay_settings(tmp_path):
    return SimpleNamespace(
        kafka=KafkaSettings(topic_namespace="ns"),
        event_store={"TEST_SQLITE_DBNAME": str(tmp_path / "test.sqlite")},
        relay_poll_seconds=0.2,
        consumer_group="okr-test",
    )


async def test_a_service_relay_publishes_to_its_namespaced_topic_under_its_own_lock(tmp_path):
    tracking = object()
    store = SimpleNamespace(factory=SimpleNamespace(tracking_recorder=lambda: tracking))
    form = lambda event, _first: None  # noqa: E731
    relay = outbox_relay(store, relay_settings(tmp_path), "TEST", "okr.test.v1", form, "t-relay", 7)
    assert (relay.app, relay.tracking, relay.published_form) == (store, tracking, form)
    assert relay.topic == "ns.okr.test.v1"
    assert relay.dead_letters == "ns." + dead_letter_topic("t-relay")
    other_replica = leader_lock(relay_settings(tmp_path).event_store, "TEST", "t-relay")
    assert relay.lock.try_acquire() and not other_replica.try_acquire()
    relay.lock.release()
    assert (relay.name, relay.batch_size, relay.poll_interval) == ("t-relay", 7, 0.2)


def test_the_knowledge_freshness_watches_the_namespaced_consumed_topics(tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(
        "okr_shared.service_runtime.KafkaKnowledgeFreshness", lambda *args: made.append(args)
    )
    positions = AppliedPositions()
    knowledge_freshness(relay_settings(tmp_path), ("okr.a.v1", "okr.b.v1"), positions)
    [(_client, topics, group, given)] = made
    assert (topics, group, given) == (["ns.okr.a.v1", "ns.okr.b.v1"], "okr-test", positions)


async def test_consuming_starts_after_the_topics_exist_and_the_freshness_watches(
    tmp_path, monkeypatch
):
    log = Recorder()

    async def topics(_kafka, names):
        log.steps.append(("topics", names))

    monkeypatch.setattr("okr_shared.service_runtime.ensure_topics", topics)
    freshness = SimpleNamespace(watch=lambda: log.steps.append("watching"))

    async def start():
        log.steps.append("broker started")

    broker = SimpleNamespace(start=start)
    await start_consuming(relay_settings(tmp_path), ("okr.a.v1",), "okr.own.v1", freshness, broker)
    dead_letters = "ns." + dead_letter_topic("okr-test")
    assert log.steps == [
        ("topics", ["ns.okr.a.v1", "ns.okr.own.v1", dead_letters]),
        "watching",
        "broker started",
    ]
