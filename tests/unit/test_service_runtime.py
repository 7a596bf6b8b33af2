"""The shared lifespan of a write service: the consumer, then the relay, then the tasks start;
they stop in order (tasks and relay loop, publisher, consumer, what the service closes), also
when a start fails part way or a stop fails."""

import asyncio

import pytest
from fastapi import FastAPI

from okr_shared.health import HealthChecks
from okr_shared.service_runtime import ServiceRuntime
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
