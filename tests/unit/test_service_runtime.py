"""The shared lifespan of a write service: the consumer, then the relay, then the tasks start;
they stop in order (tasks and relay loop, publisher, consumer, what the service closes)."""

import asyncio

from fastapi import FastAPI

from okr_shared.health import HealthChecks
from okr_shared.service_runtime import ServiceRuntime
from okr_shared.settings import KafkaSettings


class Recorder:
    def __init__(self):
        self.steps = []


class FakePublisher:
    def __init__(self, log):
        self.log = log

    async def start(self):
        self.log.steps.append("publisher started")

    async def stop(self):
        self.log.steps.append("publisher stopped")


class FakeRelay:
    def __init__(self, log):
        self.log = log
        self.publisher = FakePublisher(log)

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


def runtime(log, monkeypatch):
    async def no_topics(_kafka, _topics):
        log.steps.append("topics")

    monkeypatch.setattr("okr_shared.service_runtime.ensure_topics", no_topics)

    async def consume():
        log.steps.append("consuming")

    async def tick(stop):
        await stop.wait()
        log.steps.append("task ended")

    store = type("Store", (), {"recorder": type("R", (), {"max_notification_id": 0})()})()
    return ServiceRuntime(
        store=store,
        kafka=KafkaSettings(),
        topic="okr.test.v1",
        new_relay=lambda: FakeRelay(log),
        broker=FakeBroker(log),
        start_consuming=consume,
        tasks=[("ticker", tick)],
        close=lambda: log.steps.append("closed"),
    )


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
