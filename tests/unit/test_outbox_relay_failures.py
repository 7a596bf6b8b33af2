"""The relay on in-memory stores with a fake publisher: what is quarantined, what is retried."""

import asyncio
import sys

import pytest
from aiokafka.errors import KafkaConnectionError, MessageSizeTooLargeError

from okr_goals.bootstrap import GoalFeatures
from okr_goals.contracts import published_form
from okr_shared.contracts import ContractViolation, default_registry
from okr_shared.outbox import OutboxRelay, leader_lock
from okr_shared.outbox.relay import LeadershipLost
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

    def still_held(self) -> bool:
        return True

    def release(self) -> None:
        pass


@pytest.fixture
def app() -> GoalFeatures:
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed(app)
    return app


def relay(app, publisher, form=None, lock=None, **kw) -> OutboxRelay:
    return OutboxRelay(
        app.store,
        app.store.factory.tracking_recorder(),
        publisher,
        lock or NoLock(),
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

    async def counted(leading=None):
        nonlocal attempts
        attempts += 1
        if attempts == 3:
            stop.set()
        return await original(leading)

    r.relay_once = counted
    await r.run(stop)
    assert attempts == 3 and r.position() == 0


class Lease:
    """A lock held until `lose()`; then another replica holds it, so it cannot be taken back."""

    def __init__(self) -> None:
        self.held = True
        self.acquired = 0
        self.asked = 0

    def lose(self) -> None:
        self.held = False

    def try_acquire(self) -> bool:
        self.acquired += 1
        return self.held

    def still_held(self) -> bool:
        self.asked += 1
        return self.held

    def release(self) -> None:
        self.held = False


def losing_while_preparing(lease, form=None):
    """The published form, which loses the lease while the batch is being prepared (a leader
    paused past its lease between reading its batch and publishing it)."""
    mapping = form or published_form(default_registry())

    def prepare(event, first):
        lease.lose()
        return mapping(event, first)

    return prepare


async def test_a_lease_lost_between_reading_and_publishing_publishes_nothing(app):
    publisher = FakePublisher()
    lease = Lease()
    r = relay(app, publisher, losing_while_preparing(lease))
    with pytest.raises(LeadershipLost):
        await r.relay_once(lease.still_held)
    assert (publisher.sent, publisher.dead_letters, r.published, r.position()) == ([], [], 0, 0)


async def test_a_lease_lost_before_a_dead_letter_sends_nothing(app):
    publisher = FakePublisher()
    lease = Lease()
    r = relay(app, publisher, losing_while_preparing(lease, breaking("ceo")))
    with pytest.raises(LeadershipLost):
        await r.relay_once(lease.still_held)
    assert (publisher.sent, publisher.dead_letters, r.position()) == ([], [], 0)


async def test_run_stops_the_batch_of_a_lost_lease_and_waits_for_the_lock_again(app):
    publisher = FakePublisher()
    lease = Lease()
    r = relay(app, publisher, losing_while_preparing(lease), lock=lease)
    stop = asyncio.Event()
    original = lease.try_acquire

    def acquire() -> bool:
        if lease.acquired == 1:
            stop.set()
        return original()

    lease.try_acquire = acquire
    await r.run(stop)
    assert lease.acquired == 2 and lease.asked >= 1
    assert (publisher.sent, r.published, r.position()) == ([], 0, 0)


async def test_a_held_lease_publishes_as_before(app):
    publisher = FakePublisher()
    lease = Lease()
    r = relay(app, publisher)
    while await r.relay_once(lease.still_held):
        pass
    assert [e.id for e in publisher.sent] == [e.id for e in published_events(app)]
    assert lease.asked >= 1 and r.position() == app.store.recorder.max_notification_id()


async def test_the_back_off_renews_the_lease(app, monkeypatch):
    monkeypatch.setattr(sys.modules["okr_shared.outbox.leader_lock"], "RENEW_SECONDS", 0.01)
    lease = Lease()
    down = FakePublisher(lambda e: KafkaConnectionError())
    r = relay(app, down, lock=lease, retry_seconds=0.2)
    stop = asyncio.Event()
    original = r.relay_once

    async def once(leading=None):
        if lease.acquired == 2:
            stop.set()
        return await original(leading)

    r.relay_once = once
    await r.run(stop)
    assert lease.asked > 10  # twice before a publish, the rest renewing through the back-off


def test_the_postgres_lock_is_a_lease_of_the_configured_length(monkeypatch):
    env = {"PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": "okr"}
    monkeypatch.setenv("OKR_LEADER_LEASE_SECONDS", "4")
    configured = leader_lock(env, "GOALS", "goals-relay")
    explicit = leader_lock(env, "GOALS", "goals-relay", lease_seconds=2.5)
    assert (configured.lease_seconds, explicit.lease_seconds) == (4.0, 2.5)
    options = configured._connection_options()
    assert options["options"] == "-c idle_session_timeout=4000"
    assert options["keepalives"] == 1 and options["tcp_user_timeout"] == 4000
    idle, interval, count = (options[f"keepalives_{k}"] for k in ("idle", "interval", "count"))
    assert idle + interval * count <= 2 * 4


def published_events(app) -> list:
    """The published forms of everything stored, in store order."""
    form = published_form(default_registry())
    first = lambda e: app.store.repository.get(e.originator_id, version=1)  # noqa: E731
    forms = (
        form(app.store.mapper.to_domain_event(n), first)
        for n in app.store.recorder.select_notifications(0, 10_000)
    )
    return [f for f in forms if f is not None]
