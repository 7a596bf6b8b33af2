"""The open-loop load generator against a tiny app served by uvicorn on loopback: counts,
latency measured from the schedule, late starts, errors, bounds and the reader's lag. No speed
is asserted; the only times compared are lower bounds the server's own delay guarantees."""

from __future__ import annotations

import asyncio
import math
import threading
from collections import Counter

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Response

from tests.bench.load import Call, Load, Sent, Step, offer, percentile, ramp, require_loopback
from tests.support.processes import free_port, wait_for

SERVICE_SECONDS = 0.02


def tiny_app() -> FastAPI:
    app = FastAPI()

    @app.get("/ok")
    async def ok() -> dict:
        return {"ok": True}

    @app.get("/status/{code}")
    async def status(code: int) -> Response:
        return Response(status_code=code)

    @app.get("/slow")
    async def slow() -> dict:
        await asyncio.sleep(SERVICE_SECONDS)  # the server's service time, not a wait of the test
        return {"ok": True}

    return app


@pytest.fixture(scope="module")
def url():
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(tiny_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_for(lambda: server.started, seconds=30, interval=0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def get(path: str):
    return lambda i: Call("GET", path)


async def test_every_planned_request_is_sent_and_counted(url):
    step = await offer(Load(url, get("/ok")), rate=500, count=40, seconds=10)
    assert (len(step.sent), step.unsent, step.accepted, step.errors) == (40, 0, 40, {})
    assert sorted(s.index for s in step.sent) == list(range(40))
    assert step.summary()["accepted"] == 40


async def test_requests_are_scheduled_at_the_offered_rate_not_one_after_another(url):
    step = await offer(Load(url, get("/ok")), rate=200, count=10, seconds=10)
    by_index = sorted(step.sent, key=lambda s: s.index)
    gaps = [b.scheduled - a.scheduled for a, b in zip(by_index, by_index[1:], strict=False)]
    assert gaps == pytest.approx([1 / 200] * 9)
    assert by_index[0].scheduled == step.start


async def test_a_request_that_cannot_start_on_time_is_counted_late_and_timed_from_its_schedule(url):
    """One connection, a server taking 20 ms, 1,000/s offered: request i cannot start before
    i * 20 ms but was scheduled at i * 1 ms."""
    load = Load(url, get("/slow"), concurrency=1)
    step = await offer(load, rate=1000, count=8, seconds=10)
    assert step.accepted == 8
    assert step.late >= 7
    for s in step.sent:
        assert s.latency == pytest.approx(s.lateness + s.service)
        assert s.latency >= s.service
    last = max(step.sent, key=lambda s: s.index)
    assert last.latency - last.service >= 7 * (SERVICE_SECONDS - 0.001)
    assert step.summary()["latency_ms"]["max"] >= last.latency * 1000


async def test_errors_are_counted_by_status(url):
    load = Load(url, lambda i: Call("GET", "/status/503" if i % 4 == 0 else "/ok"))
    step = await offer(load, rate=500, count=20, seconds=10)
    assert (step.accepted, step.errors) == (15, {"503": 5})


async def test_a_refused_connection_is_an_error_of_its_kind():
    closed = f"http://127.0.0.1:{free_port()}"
    step = await offer(Load(closed, get("/ok")), rate=100, count=3, seconds=10)
    assert (step.accepted, step.errors) == (0, {"ConnectError": 3})
    assert math.isnan(step.summary()["latency_ms"]["p50"])


async def test_the_time_bound_leaves_the_rest_unsent(url):
    step = await offer(Load(url, get("/ok")), rate=20, count=1000, seconds=0.2)
    # The bound is on the schedule (send i at i/rate, up to and including `seconds`), not on
    # the clock: exactly the sends at 0, 0.05, 0.10, 0.15 and 0.20 s go out.
    assert sorted(s.index for s in step.sent) == [0, 1, 2, 3, 4]
    assert step.unsent == 995


async def test_the_reader_records_a_lag_for_each_accepted_write(url):
    polls: Counter[int] = Counter()

    async def visible(index, response) -> bool:
        assert response.status_code == 200
        polls[index] += 1
        return polls[index] >= 3

    load = Load(url, lambda i: Call("GET", "/status/500" if i == 0 else "/ok"), visible=visible)
    step = await offer(load, rate=200, count=10, seconds=10)
    assert (len(step.lags_ms), step.unseen) == (9, 0)
    assert set(polls) == set(range(1, 10))
    assert all(lag >= 0 for lag in step.lags_ms)
    assert step.summary()["lag_ms"]["seen"] == 9


async def test_a_write_the_reader_never_sees_is_counted_unseen(url):
    async def never(index, response) -> bool:
        return False

    load = Load(url, get("/ok"), visible=never, lag_seconds=0.05)
    step = await offer(load, rate=200, count=4, seconds=10)
    assert (step.lags_ms, step.unseen) == ([], 4)


@pytest.mark.parametrize(
    "target",
    ["http://example.com/", "http://10.1.2.3:8000", "http://[2001:db8::1]/", "http://0.0.0.0:80"],
)
async def test_load_is_refused_off_loopback(target):
    with pytest.raises(ValueError, match="loopback"):
        require_loopback(target)
    with pytest.raises(ValueError, match="loopback"):
        await offer(Load(target, get("/ok")), rate=10, count=1, seconds=1)


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:1", "http://127.9.9.9", "http://localhost", "http://[::1]:80"]
)
def test_loopback_addresses_are_allowed(target):
    require_loopback(target)


def sent(index: int, latency: float, status: int | None = 200, error: str | None = None) -> Sent:
    return Sent(
        index, index * 0.01, index * 0.01, index * 0.01 + latency, status, error, status == 200
    )


def test_the_statistics_of_a_step():
    step = Step(100, 12, 0.0, [sent(i, (i + 1) / 1000) for i in range(10)], unsent=2)
    step.sent += [sent(10, 0.5, 503), sent(11, 0.0, None, "ReadTimeout")]
    summary = step.summary()
    assert summary["latency_ms"] == pytest.approx({"p50": 6, "p95": 500, "p99": 500, "max": 500})
    assert summary["errors"] == {"503": 1, "ReadTimeout": 1}
    assert (summary["sent"], summary["unsent"], summary["accepted"]) == (12, 2, 10)
    assert summary["achieved"] == pytest.approx(10 / 0.6)


def test_percentiles_by_nearest_rank():
    values = list(range(1, 101))
    assert [percentile(values, p) for p in (0, 50, 95, 99, 100)] == [1, 51, 95, 99, 100]
    assert math.isnan(percentile([], 50))


def test_the_ramp_stops_at_the_first_step_with_errors_or_exploding_latency():
    def step(rate: float, error_at: float, slow_at: float) -> Step:
        s = Step(rate, 1, 0.0, [sent(0, 2.0 if rate >= slow_at else 0.01)])
        if rate >= error_at:
            s.sent.append(sent(1, 0.01, 503))
        return s

    assert [s.offered for s in ramp([1, 2, 3, 4], lambda r: step(r, 3, 99))] == [1, 2, 3]
    assert [s.offered for s in ramp([1, 2, 3, 4], lambda r: step(r, 99, 2))] == [1, 2]
    assert [s.offered for s in ramp([1, 2, 3], lambda r: step(r, 99, 99))] == [1, 2, 3]


async def test_requests_go_round_robin_to_the_replicas(url):
    port = httpx.URL(url).port
    replicas = (f"http://127.0.0.1:{port}", f"http://localhost:{port}")
    hosts = []

    def accepted(response):
        hosts.append(response.request.url.host)
        return response.is_success

    load = Load(replicas[0], get("/ok"), accepted=accepted, replicas=replicas)
    step = await offer(load, rate=200, count=10, seconds=10)

    assert step.accepted == 10
    assert Counter(hosts) == {"127.0.0.1": 5, "localhost": 5}


async def test_a_replica_off_loopback_is_refused(url):
    load = Load(url, get("/ok"), replicas=(url, "http://10.1.2.3:8000"))
    with pytest.raises(ValueError, match="loopback"):
        await offer(load, rate=10, count=1, seconds=1)
