"""Open-loop load: requests sent at a fixed offered rate, on loopback only.

Request i is scheduled at `start + i / rate`, whatever happened to the earlier ones. A request
whose start is later than its schedule (all connections busy, or the client's own event loop
behind) is counted as late, and its latency is measured from its scheduled time, so queueing in
front of a slow server shows in the latencies instead of being hidden by a client that waits
(coordinated omission). Bounded in count and in time; concurrency is capped.

With a `visible` callback, a reader polls the read model for each accepted write and records the
lag from the write's answer to the moment the reader first saw it.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx

Visible = Callable[[int, httpx.Response], Awaitable[bool]]


def require_loopback(url: str) -> None:
    """Refuses any URL whose host is not a loopback address: load never leaves the machine."""
    host = httpx.URL(url).host
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"load is sent to loopback addresses only, not to {host!r}")


def percentile(values: Iterable[float], p: float) -> float:
    """The nearest-rank percentile `p` (0..100) of `values`; NaN when there are none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def distribution(values_ms: list[float]) -> dict[str, float]:
    return {
        "p50": percentile(values_ms, 50),
        "p95": percentile(values_ms, 95),
        "p99": percentile(values_ms, 99),
        "max": max(values_ms, default=float("nan")),
    }


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: Any = None


@dataclass(frozen=True)
class Sent:
    """One request: loop times of its schedule, its start and its answer (or failure)."""

    index: int
    scheduled: float
    started: float
    finished: float
    status: int | None
    error: str | None = None
    accepted: bool = False

    @property
    def latency(self) -> float:
        return self.finished - self.scheduled

    @property
    def lateness(self) -> float:
        return self.started - self.scheduled

    @property
    def service(self) -> float:
        return self.finished - self.started


@dataclass
class Step:
    """What one offered rate achieved."""

    offered: float
    planned: int
    start: float
    sent: list[Sent]
    unsent: int = 0
    late_after: float = 0.005
    lags_ms: list[float] = field(default_factory=list)
    unseen: int = 0

    @property
    def accepted(self) -> int:
        return sum(s.accepted for s in self.sent)

    @property
    def late(self) -> int:
        return sum(s.lateness > self.late_after for s in self.sent)

    @property
    def errors(self) -> dict[str, int]:
        """Refusals by status code, failures without an answer by their kind."""
        return dict(
            Counter(s.error or str(s.status) for s in self.sent if not s.accepted).most_common()
        )

    @property
    def achieved(self) -> float:
        """Accepted requests per second, from the first schedule to the last answer."""
        if not self.sent:
            return 0.0
        elapsed = max(s.finished for s in self.sent) - self.start
        return self.accepted / elapsed if elapsed > 0 else 0.0

    def summary(self) -> dict[str, Any]:
        answered = [s.latency * 1000 for s in self.sent if s.status is not None]
        return {
            "offered": self.offered,
            "planned": self.planned,
            "sent": len(self.sent),
            "unsent": self.unsent,
            "accepted": self.accepted,
            "achieved": self.achieved,
            "late": self.late,
            "errors": self.errors,
            "latency_ms": distribution(answered),
            "lag_ms": {**distribution(self.lags_ms), "seen": len(self.lags_ms)},
            "unseen": self.unseen,
        }


def _accepted(response: httpx.Response) -> bool:
    return response.is_success


class _Reader:
    """Polls the read model for the accepted writes not seen yet; records each one's lag."""

    def __init__(self, visible: Visible, interval: float) -> None:
        self.visible, self.interval = visible, interval
        self.pending: dict[int, tuple[httpx.Response, float]] = {}
        self.lags_ms: list[float] = []

    def watch(self, index: int, response: httpx.Response, accepted_at: float) -> None:
        self.pending[index] = (response, accepted_at)

    async def _check(self, index: int) -> None:
        response, accepted_at = self.pending[index]
        if await self.visible(index, response):
            seen = asyncio.get_running_loop().time()
            self.lags_ms.append((seen - accepted_at) * 1000)
            del self.pending[index]

    async def run(self, load_done: asyncio.Event, seconds_after: float) -> None:
        loop = asyncio.get_running_loop()
        give_up = None
        while True:
            await asyncio.gather(*(self._check(i) for i in list(self.pending)))
            if load_done.is_set():
                give_up = give_up or loop.time() + seconds_after
                if not self.pending or loop.time() > give_up:
                    return
            await asyncio.sleep(self.interval)


@dataclass(frozen=True)
class Load:
    """Where and how to send: the base URL, the requests, and the bounds."""

    url: str
    make: Callable[[int], Call]
    headers: dict[str, str] = field(default_factory=dict)
    concurrency: int = 32
    accepted: Callable[[httpx.Response], bool] = _accepted
    timeout: float = 30.0
    late_after: float = 0.005
    visible: Visible | None = None
    lag_seconds: float = 30.0
    poll_interval: float = 0.005
    replicas: tuple[str, ...] = ()
    """Base URLs of replicas of one service: request i goes to replica i modulo their number
    (`url` is then the first of them)."""


async def offer(load: Load, rate: float, count: int, seconds: float) -> Step:
    """Sends up to `count` requests at `rate` per second for at most `seconds`; requests still
    unanswered `load.timeout` seconds after the last schedule are cancelled and counted as
    errors."""
    for url in (load.url, *load.replicas):
        require_loopback(url)
    limits = httpx.Limits(
        max_connections=load.concurrency, max_keepalive_connections=load.concurrency
    )
    reader = _Reader(load.visible, load.poll_interval) if load.visible else None
    loop = asyncio.get_running_loop()
    slots = asyncio.Semaphore(load.concurrency)
    async with httpx.AsyncClient(
        base_url=load.url, headers=load.headers, limits=limits, timeout=load.timeout
    ) as client:

        async def one(index: int, scheduled: float) -> Sent:
            async with slots:
                started, call = loop.time(), load.make(index)
                path = call.path
                if load.replicas:
                    path = load.replicas[index % len(load.replicas)] + path
                try:
                    response = await client.request(call.method, path, json=call.json)
                except httpx.HTTPError as e:
                    return Sent(index, scheduled, started, loop.time(), None, type(e).__name__)
                finished, accepted = loop.time(), load.accepted(response)
            if accepted and reader:
                reader.watch(index, response, finished)
            return Sent(index, scheduled, started, finished, response.status_code, None, accepted)

        load_done = asyncio.Event()
        polling = asyncio.create_task(reader.run(load_done, load.lag_seconds)) if reader else None
        start = loop.time() + 0.01
        tasks: dict[asyncio.Task, tuple[int, float]] = {}
        for i in range(count):
            scheduled = start + i / rate
            if scheduled > start + seconds:
                break
            await asyncio.sleep(max(0.0, scheduled - loop.time()))
            tasks[asyncio.create_task(one(i, scheduled))] = (i, scheduled)
        sent = await _finish(tasks, load.timeout, loop.time)
        load_done.set()
        if polling:
            await polling
    step = Step(rate, count, start, sent, count - len(tasks), load.late_after)
    if reader:
        step.lags_ms, step.unseen = reader.lags_ms, len(reader.pending)
    return step


async def _finish(
    tasks: dict[asyncio.Task, tuple[int, float]], timeout: float, now: Callable[[], float]
) -> list[Sent]:
    """The requests' outcomes; those still unanswered after `timeout` are cancelled."""
    if not tasks:
        return []
    await asyncio.wait(tasks, timeout=timeout)
    sent, cancelled = [], []
    for task, (index, scheduled) in tasks.items():
        if task.done():
            sent.append(task.result())
        else:
            task.cancel()
            cancelled.append(task)
            sent.append(Sent(index, scheduled, scheduled, now(), None, "unfinished"))
    await asyncio.gather(*cancelled, return_exceptions=True)
    return sent


def ramp(
    rates: Iterable[float],
    run_step: Callable[[float], Step],
    p99_limit_ms: float = 1000.0,
) -> list[Step]:
    """Runs a step per offered rate, in order, and stops after the first step with errors or a
    p99 latency over `p99_limit_ms`: higher rates would only pile up more of the same."""
    steps = []
    for rate in rates:
        step = run_step(rate)
        steps.append(step)
        if step.errors or step.unsent or step.summary()["latency_ms"]["p99"] > p99_limit_ms:
            break
    return steps


async def closed_loop(
    url: str,
    make: Callable[[int], Call],
    workers: int,
    seconds: float,
    headers: dict[str, str] | None = None,
    accepted: Callable[[httpx.Response], bool] = _accepted,
) -> tuple[float, int]:
    """`workers` clients each sending their next request as soon as the last is answered, for
    `seconds`: the accepted requests per second, and the number refused or failed."""
    require_loopback(url)
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    counts = Counter[bool]()
    async with httpx.AsyncClient(
        base_url=url, headers=headers or {}, limits=limits, timeout=30
    ) as client:
        loop = asyncio.get_running_loop()
        start = loop.time()
        end = start + seconds
        numbers = iter(range(1 << 62))

        async def worker() -> None:
            while loop.time() < end:
                call = make(next(numbers))
                try:
                    response = await client.request(call.method, call.path, json=call.json)
                    counts[accepted(response)] += 1
                except httpx.HTTPError:
                    counts[False] += 1

        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = loop.time() - start
    return counts[True] / elapsed, counts[False]
