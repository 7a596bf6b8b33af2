"""The metrics: `/metrics` is never anonymous, requests are counted by route template, the relay
reports its backlog, leadership and failures, consumers their lag and dead letters."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka.errors import KafkaConnectionError
from aiokafka.structs import TopicPartition
from fastapi.testclient import TestClient

from okr_goals.contracts import published_form
from okr_shared.contracts import default_registry
from okr_shared.metrics import REGISTRY, dead_lettered, projected, reason_class, refresh
from okr_shared.metrics.sources import watch_broker
from okr_shared.outbox import OutboxRelay
from tests.support.apps import goals_app
from tests.support.goals import goal_features
from tests.support.org import seed
from tests.support.web import web_app

SCRAPE_TOKEN = "scrape-token-for-tests-0123456789"


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setenv("OKR_METRICS_TOKEN", SCRAPE_TOKEN)
    with TestClient(goals_app()) as c:
        yield c


@pytest.fixture
def bearer(issuer):
    return lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}


def test_metrics_without_a_token_is_401_naming_the_header(client):
    r = client.get("/metrics")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in r.json()["errors"]] == ["header:Authorization"]
    assert "okr_" not in r.text


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong-token", "Basic " + SCRAPE_TOKEN, "Bearer ", SCRAPE_TOKEN],
)
def test_metrics_with_a_wrong_or_malformed_bearer_is_401(client, header):
    r = client.get("/metrics", headers={"Authorization": header})
    assert r.status_code == 401 and "okr_http" not in r.text


def test_a_platform_token_without_the_admin_role_is_401(client, bearer):
    r = client.get("/metrics", headers=bearer("dev"))
    assert r.status_code == 401
    assert "no admin role" in r.json()["errors"][0]["detail"]


def test_the_scrape_token_reads_the_prometheus_text(client):
    r = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    names = [line.split()[2] for line in r.text.splitlines() if line.startswith("# TYPE")]
    assert names and all(name.startswith("okr_") for name in names)
    assert "okr_http_request_duration_seconds" in names


def test_an_admin_token_reads_the_metrics_even_without_a_scrape_token(client, bearer, monkeypatch):
    monkeypatch.delenv("OKR_METRICS_TOKEN")
    assert client.get("/metrics", headers=bearer("ceo", "admin")).status_code == 200
    r = client.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
    assert r.status_code == 401


def test_requests_are_counted_by_route_template_method_and_status(client, bearer):
    route = "/v1/objectives/{objective_id}"
    labels = {"method": "GET", "route": route}
    before_404 = sample("okr_http_requests_total", **labels, status="404")
    before_401 = sample("okr_http_requests_total", **labels, status="401")
    client.get("/v1/objectives/nope-1", headers=bearer("dev"))
    client.get("/v1/objectives/nope-2", headers=bearer("dev"))
    client.get("/v1/objectives/nope-3")
    assert sample("okr_http_requests_total", **labels, status="404") == before_404 + 2
    assert sample("okr_http_requests_total", **labels, status="401") == before_401 + 1
    assert sample("okr_http_request_duration_seconds_count", **labels, status="404") >= 2
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    before = sample("okr_http_requests_total", **unmatched)
    client.get("/no/such/path/anywhere", headers=bearer("dev"))
    assert sample("okr_http_requests_total", **unmatched) == before + 1


def test_the_openapi_document_names_the_text_answer_and_the_401(client):
    operation = client.get("/openapi.json").json()["paths"]["/metrics"]["get"]
    assert "text/plain" in operation["responses"]["200"]["content"]
    assert operation["responses"]["401"]["content"]["application/problem+json"]


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("contract violation: PersonJoined v1 field 'name': too long", "contract-violation"),
        ("no published form: KeyError: 'x'", "no-published-form"),
        ("refused by Kafka: MessageSizeTooLargeError: big", "refused-by-kafka"),
        ("handler failed 4 times; last error: RuntimeError()", "handler-failed"),
        ("something nobody classified", "other"),
        ("undecodable", "undecodable"),
    ],
)
def test_dead_letter_reasons_are_counted_by_a_bounded_class(reason, kind):
    assert reason_class(reason) == kind
    before = sample("okr_dead_letters_total", group="unit-group", reason=kind)
    dead_lettered("unit-group", reason)
    assert sample("okr_dead_letters_total", group="unit-group", reason=kind) == before + 1


def test_projection_lag_is_observed_from_the_event_time():
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    before = sample("okr_projection_lag_seconds_count", topic="unit.topic")
    under = sample("okr_projection_lag_seconds_bucket", topic="unit.topic", le="0.5")
    projected("unit.topic", now - timedelta(seconds=2), now)
    projected("unit.topic", now - timedelta(milliseconds=100), now)
    assert sample("okr_projection_lag_seconds_count", topic="unit.topic") == before + 2
    assert sample("okr_projection_lag_seconds_bucket", topic="unit.topic", le="0.5") == under + 1


class Publisher:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.sent: list = []

    async def publish(self, topic, events):
        if self.fail:
            raise KafkaConnectionError("down")
        self.sent += events

    async def send_raw(self, topic, key, value, headers):
        pass


class Lock:
    def __init__(self, held: bool) -> None:
        self.held = held

    def try_acquire(self) -> bool:
        return self.held

    def still_held(self) -> bool:
        return self.held

    def release(self) -> None:
        pass


def unit_relay(name, publisher, lock):
    app = goal_features(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    seed(app)
    return OutboxRelay(
        app.store,
        app.store.factory.tracking_recorder(),
        publisher,
        lock,
        published_form(default_registry()),
        topic="okr.goals.v1",
        name=name,
        retry_seconds=0.01,
    )


async def test_the_relay_backlog_is_what_is_stored_but_not_published():
    relay = unit_relay("unit-relay-backlog", Publisher(), Lock(True))
    stored = relay.app.recorder.max_notification_id()
    await refresh()
    assert stored > 0
    assert sample("okr_relay_backlog_events", relay="unit-relay-backlog") == stored
    while await relay.relay_once():
        pass
    await refresh()
    assert sample("okr_relay_backlog_events", relay="unit-relay-backlog") == 0


async def relay_until(relay, done):
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    deadline = asyncio.get_running_loop().time() + 5
    while not done() and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.01)
    stop.set()
    await task


async def test_the_relay_reports_leadership_and_counts_failed_batches():
    relay = unit_relay("unit-relay-failing", Publisher(fail=True), Lock(True))
    leader = {}

    def failed_twice():
        failures = sample("okr_relay_publish_failures_total", relay=relay.name)
        if failures:
            leader.setdefault("while running", sample("okr_relay_leader", relay=relay.name))
        return failures >= 2

    await relay_until(relay, failed_twice)
    assert sample("okr_relay_publish_failures_total", relay=relay.name) >= 2
    assert leader["while running"] == 1
    assert sample("okr_relay_leader", relay=relay.name) == 0


async def test_a_relay_without_the_lock_is_no_leader_and_publishes_nothing():
    publisher = Publisher()
    relay = unit_relay("unit-relay-follower", publisher, Lock(False))
    seen = []
    await relay_until(relay, lambda: seen.append(1) or len(seen) > 20)
    assert sample("okr_relay_leader", relay=relay.name) == 0 and publisher.sent == []


class Consumer:
    """What the lag source asks of an aiokafka consumer."""

    def __init__(self, ends, committed, positions) -> None:
        self.ends, self._committed, self.positions = ends, committed, positions

    def assignment(self):
        return set(self.ends)

    async def end_offsets(self, partitions):
        return {tp: self.ends[tp] for tp in partitions}

    async def committed(self, tp):
        return self._committed.get(tp)

    async def position(self, tp):
        return self.positions[tp]


class Subscriber:
    def __init__(self, consumer) -> None:
        self.consumer = consumer


class Broker:
    def __init__(self, *consumers) -> None:
        self.subscribers = [Subscriber(c) for c in consumers]


async def test_consumer_lag_per_partition_is_the_high_watermark_minus_the_committed_offset():
    a0, a1, b0 = TopicPartition("t.a", 0), TopicPartition("t.a", 1), TopicPartition("t.b", 0)
    consumer = Consumer({a0: 10, a1: 5, b0: 7}, {a0: 4, a1: 5}, {b0: 3})
    broker = Broker(consumer, None)
    broker.subscribers[1].consumer = None
    watch_broker(broker, "unit-lag")
    await refresh()

    def lag(topic, partition):
        return REGISTRY.get_sample_value(
            "okr_consumer_lag_records",
            {"group": "unit-lag", "topic": topic, "partition": str(partition)},
        )

    assert (lag("t.a", 0), lag("t.a", 1), lag("t.b", 0)) == (6, 0, 4)
    del consumer.ends[b0]
    consumer._committed[a0] = 10
    await refresh()
    assert (lag("t.a", 0), lag("t.b", 0)) == (0, None)


async def test_a_failing_lag_source_does_not_fail_the_scrape():
    class Broken(Consumer):
        async def end_offsets(self, partitions):
            raise KafkaConnectionError("gone")

    broker = Broker(Broken({TopicPartition("t.c", 0): 1}, {}, {}))
    watch_broker(broker, "unit-broken")
    await refresh()
    assert (
        REGISTRY.get_sample_value(
            "okr_consumer_lag_records", {"group": "unit-broken", "topic": "t.c", "partition": "0"}
        )
        is None
    )


def test_the_web_server_serves_metrics_to_the_scrape_token_or_an_admin(
    tmp_path, monkeypatch, bearer
):
    monkeypatch.setenv("OKR_METRICS_TOKEN", SCRAPE_TOKEN)
    with TestClient(web_app(dist_dir=tmp_path)) as web:
        assert web.get("/metrics").status_code == 401
        assert web.get("/metrics", headers=bearer("dev")).status_code == 401
        assert web.get("/metrics", headers=bearer("ceo", "admin")).status_code == 200
        r = web.get("/metrics", headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
        assert r.status_code == 200 and "okr_http_requests_total" in r.text
        assert 'route="/metrics",status="401"' in r.text
