"""The relay on in-memory stores with a fake publisher: what is quarantined, what is retried."""

import asyncio

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError

from okr_goals.bootstrap import GoalFeatures
from okr_goals.contracts import published_form
from okr_shared.contracts import ContractViolation, default_registry
from okr_shared.outbox import OutboxRelay
from tests.support.goals import goal_features
from tests.support.org import ADMIN, seed


class FakePublisher:
    """Acknowledges everything, except what `refuse` says no to."""

    def __init__(self, refuse=lambda event: None) -> None:
        self.sent: list = []
        self.dead_letters: list = []
        self.refuse = refuse

    async def publish(self, topic, events):
        for event in events:
            error = self.refuse(event)
            if error is not None:
                raise error
            self.sent.append(event)

    async def send_raw(self, topic, key, value, headers):
        self.dead_letters.append((topic, key, dict(headers)))


class NoLock:
    def try_acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


@pytest.fixture
def app() -> GoalFeatures:
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed(app)
    return app


def relay(app, publisher, form=None, **kw) -> OutboxRelay:
    return OutboxRelay(
        app.store,
        app.store.factory.tracking_recorder(),
        publisher,
        NoLock(),
        form or published_form(default_registry()),
        topic="okr.goals.v1",
        name="test-relay",
        dead_letters="okr.deadletter.test-relay.v1",
        **kw,
    )


def breaking(subject):
    mapping = published_form(default_registry())

    def form(event, first):
        published = mapping(event, first)
        if published is not None and published.subject == subject:
            raise ContractViolation("PersonJoined v1 field 'name': too long", ("name",))
        return published

    return form


async def test_an_unpublishable_event_is_dead_lettered_once_and_the_others_keep_their_order(app):
    publisher = FakePublisher()
    r = relay(app, publisher, breaking("rep"), batch_size=7)
    expected = [e.id for e in published_events(app) if e.subject != "rep"]
    while await r.relay_once():
        pass
    assert [e.id for e in publisher.sent] == expected
    assert r.dead_lettered == 1 and len(publisher.dead_letters) == 1
    topic, _key, headers = publisher.dead_letters[0]
    assert topic == "okr.deadletter.test-relay.v1" and b"'name'" in headers["dlq_reason"]
    assert r.position() == app.store.recorder.max_notification_id()


async def test_a_record_refused_for_good_is_dead_lettered(app):
    publisher = FakePublisher(
        lambda e: MessageSizeTooLargeError() if e.subject == "sales" else None
    )
    r = relay(app, publisher)
    await r.relay_once()
    assert "sales" not in {e.subject for e in publisher.sent} and r.dead_lettered == 1
    assert b"MessageSizeTooLarge" in publisher.dead_letters[0][2]["dlq_reason"]
    assert r.position() == app.store.recorder.max_notification_id()


async def test_kafka_down_retries_the_batch_without_advancing(app):
    publisher = FakePublisher(lambda e: KafkaConnectionError())
    r = relay(app, publisher)
    with pytest.raises(KafkaConnectionError):
        await r.relay_once()
    assert (r.position(), r.dead_lettered, publisher.dead_letters) == (0, 0, [])


async def test_a_failing_store_lookup_is_retried_not_dead_lettered(app, monkeypatch):
    person = app.directory.get_person("acme", "rep")
    person.move("rnd", "cto", ADMIN.meta)  # Moved names no person: the relay looks up version 1
    app.store.save(person)
    r = relay(app, FakePublisher())

    def store_down(*args, **kwargs):
        raise ConnectionError("store unreachable")

    monkeypatch.setattr(app.store.repository, "get", store_down)
    with pytest.raises(ConnectionError):
        await r.relay_once()
    assert (r.position(), r.dead_lettered) == (0, 0)


def test_retry_pauses_double_and_are_bounded(app):
    r = relay(app, FakePublisher(), retry_seconds=0.5, max_retry_seconds=8.0)
    delays = [r.retry_delay(n) for n in (1, 2, 3, 4, 5, 6, 100)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


async def test_run_keeps_retrying_while_kafka_is_down(app):
    down = FakePublisher(lambda e: KafkaConnectionError())
    r = relay(app, down, retry_seconds=0.001, max_retry_seconds=0.002)
    attempts = 0
    stop = asyncio.Event()
    original = r.relay_once

    async def counted():
        nonlocal attempts
        attempts += 1
        if attempts == 3:
            stop.set()
        return await original()

    r.relay_once = counted
    await r.run(stop)
    assert attempts == 3 and r.position() == 0


def published_events(app) -> list:
    """The published forms of everything stored, in store order."""
    form = published_form(default_registry())
    first = lambda e: app.store.repository.get(e.originator_id, version=1)  # noqa: E731
    forms = (
        form(app.store.mapper.to_domain_event(n), first)
        for n in app.store.recorder.select_notifications(0, 10_000)
    )
    return [f for f in forms if f is not None]
