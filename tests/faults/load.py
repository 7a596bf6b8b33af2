"""The load under faults: open-loop streams of single check-ins, integration-feed batches and
objective creations from several tenants, every request with an idempotency key, and a ledger
of what the generator was told.

A request goes out at its scheduled time whatever happened to the earlier ones; when the cap on
requests in flight is reached it is shed (counted, not sent), so a stuck service shows as errors
and shed requests instead of slowing the generator down. After the run, every request that got
no success answer is retried with the same key until it does: the platform must then hold each
such write exactly once, whether or not the first attempt was applied.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.bench.load import require_loopback
from tests.bench.scenarios import objective_body

EFFECTIVE_FROM = datetime(2026, 1, 2, tzinfo=UTC)
"""Check-in i is effective EFFECTIVE_FROM + i seconds (inside the cycle), with value i: values
rise with effective time, so a key result's current value is its largest."""
TIMEOUT = 5.0
IN_FLIGHT = 64
RETRY_ROUNDS = 40


@dataclass(frozen=True)
class Request:
    """One write: which stream, tenant, path, body and idempotency key."""

    kind: str
    tenant: str
    path: str
    body: dict[str, Any]
    key: str


@dataclass
class Outcome:
    """What one attempt got; times in seconds since the run started (monotonic)."""

    request: Request
    sent: float
    answered: float
    status: int | None
    error: str | None = None
    body: Any = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Acked:
    """A write the platform acknowledged: its id and when (wall clock) the answer came."""

    kind: str
    tenant: str
    id: str
    at: datetime
    key_result_id: str = ""
    objective_id: str = ""
    value: float = 0.0


@dataclass
class Ledger:
    """Every attempt, every acknowledged write, the requests never answered with success, and
    the wall-clock time of each check-in request sent (for the bitemporal check)."""

    start_wall: datetime
    start: float
    outcomes: list[Outcome] = field(default_factory=list)
    acked: dict[str, Acked] = field(default_factory=dict)
    unanswered: dict[str, Request] = field(default_factory=dict)
    sent_values: list[tuple[datetime, str, str, float]] = field(default_factory=list)
    shed: Counter[str] = field(default_factory=Counter)
    retried: Counter[str] = field(default_factory=Counter)

    def wall(self, t: float) -> datetime:
        return self.start_wall + timedelta(seconds=t)

    def now(self) -> float:
        return time.monotonic() - self.start

    def record(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        r = outcome.request
        if not outcome.ok:
            self.unanswered.setdefault(r.key, r)
            return
        self.unanswered.pop(r.key, None)
        at = self.wall(outcome.answered)
        if r.kind == "check_in":
            b = outcome.body
            self.acked[b["check_in_id"]] = Acked(
                "check_in", r.tenant, b["check_in_id"], at, b["key_result_id"],
                b["objective_id"], float(b["value"]),
            )  # fmt: skip
        elif r.kind == "objective":
            oid = outcome.body["objective_id"]
            self.acked[oid] = Acked("objective", r.tenant, oid, at, objective_id=oid)
        else:
            self._feed(outcome, at)

    def _feed(self, outcome: Outcome, at: datetime) -> None:
        r = outcome.request
        by_key = {i["idempotency_key"]: i for i in r.body["items"]}
        for result in outcome.body["items"]:
            item = by_key[result["source_key"]]
            if result["status"] == "rejected":
                single = Request("feed", r.tenant, r.path, {"items": [item]}, result["source_key"])
                self.unanswered.setdefault(single.key, single)
                continue
            self.acked[result["check_in_id"]] = Acked(
                "check_in", r.tenant, result["check_in_id"], at, item["key_result_id"],
                value=float(item["value"]),
            )  # fmt: skip


@dataclass
class World:
    """Per tenant: headers and (objective, key result) pairs the check-in service knows."""

    headers: dict[str, dict[str, str]]
    key_results: dict[str, list[tuple[str, str]]]


class Streams:
    """The three request streams; values and effective times rise across all of them."""

    def __init__(self, world: World, cycle: str, feed_size: int = 10) -> None:
        self.world, self.cycle, self.feed_size = world, cycle, feed_size
        self.values = itertools.count(1000)
        self.tenants = itertools.cycle(sorted(world.key_results))
        self.turns = {t: itertools.count() for t in world.key_results}

    def _report(self, tenant: str) -> dict[str, Any]:
        krs = self.world.key_results[tenant]
        _, kr = krs[next(self.turns[tenant]) % len(krs)]
        value = next(self.values)
        effective = EFFECTIVE_FROM + timedelta(seconds=value)
        return {
            "key_result_id": kr,
            "value": float(value),
            "confidence": 7,
            "effective_at": effective.isoformat().replace("+00:00", "Z"),
        }

    def check_in(self) -> Request:
        tenant = next(self.tenants)
        return Request("check_in", tenant, "/v1/check-ins", self._report(tenant), uuid.uuid4().hex)

    def feed(self) -> Request:
        tenant = next(self.tenants)
        items = [
            {**self._report(tenant), "idempotency_key": uuid.uuid4().hex}
            for _ in range(self.feed_size)
        ]
        return Request(
            "feed", tenant, "/v1/integrations/check-ins", {"items": items}, uuid.uuid4().hex
        )

    def objective(self) -> Request:
        tenant = next(self.tenants)
        body = {**objective_body(0, 1), "title": f"Fault objective {uuid.uuid4().hex[:6]}"}
        body["cycle_id"] = self.cycle
        return Request("objective", tenant, "/v1/objectives", body, uuid.uuid4().hex)


@dataclass(frozen=True)
class Rates:
    check_ins: float = 20.0
    feed_batches: float = 1.0
    objectives: float = 2.0


class Generator:
    """Sends the streams to the check-in and goal services and keeps the ledger."""

    def __init__(self, urls: dict[str, str], world: World, ledger: Ledger) -> None:
        for url in urls.values():
            require_loopback(url)
        self.urls, self.world, self.ledger = urls, world, ledger
        self.in_flight = 0
        self.client = httpx.AsyncClient(
            timeout=TIMEOUT, limits=httpx.Limits(max_connections=IN_FLIGHT)
        )

    def _url(self, r: Request) -> str:
        return self.urls["goals" if r.kind == "objective" else "checkins"] + r.path

    async def attempt(self, r: Request) -> Outcome:
        headers = {**self.world.headers[r.tenant], "Idempotency-Key": r.key}
        if r.kind == "check_in":
            self.ledger.sent_values.append(
                (datetime.now(UTC), r.tenant, r.body["key_result_id"], r.body["value"])
            )
        elif r.kind == "feed":
            now = datetime.now(UTC)
            self.ledger.sent_values += [
                (now, r.tenant, i["key_result_id"], i["value"]) for i in r.body["items"]
            ]
        sent = self.ledger.now()
        try:
            response = await self.client.post(self._url(r), json=r.body, headers=headers)
        except httpx.HTTPError as e:
            outcome = Outcome(r, sent, self.ledger.now(), None, type(e).__name__)
        else:
            body = (
                response.json()
                if response.headers.get("content-type", "").endswith("json")
                else None
            )
            outcome = Outcome(r, sent, self.ledger.now(), response.status_code, None, body)
        self.ledger.record(outcome)
        return outcome

    async def _one(self, r: Request) -> None:
        self.in_flight += 1
        try:
            await self.attempt(r)
        finally:
            self.in_flight -= 1

    async def stream(self, make: Callable[[], Request], rate: float, done: asyncio.Event) -> None:
        """Requests at `rate` per second until `done` is set."""
        tasks = set()
        start = self.ledger.now()
        for i in itertools.count():
            await asyncio.sleep(max(0.0, start + i / rate - self.ledger.now()))
            if done.is_set():
                break
            r = make()
            if self.in_flight >= IN_FLIGHT:
                self.ledger.shed[r.kind] += 1
                self.ledger.unanswered.setdefault(r.key, r)
                continue
            task = asyncio.create_task(self._one(r))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)

    async def retry_unanswered(self, pause: float = 0.5) -> int:
        """Retries every request without a success answer, same key, until each gets one;
        returns how many are still without one after RETRY_ROUNDS rounds."""
        for _ in range(RETRY_ROUNDS):
            pending = list(self.ledger.unanswered.values())
            if not pending:
                return 0
            for r in pending:
                self.ledger.retried[r.kind] += 1
            await asyncio.gather(*(self.attempt(r) for r in pending))
            if self.ledger.unanswered:
                await asyncio.sleep(pause)
        return len(self.ledger.unanswered)

    async def close(self) -> None:
        await self.client.aclose()
