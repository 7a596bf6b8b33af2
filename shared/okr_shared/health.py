"""Liveness and readiness: named async checks, each bounded by a timeout, and bounded shutdown.

`/health/live` answers while the process serves. `/health/ready` runs every registered check at
once; each must finish within the timeout, otherwise (or when it raises) the answer is 503 with
the name of what failed. A service registers its checks on `app.state.health` at start.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiokafka.admin import AIOKafkaAdminClient

from okr_shared.settings import HealthSettings, KafkaSettings

log = logging.getLogger(__name__)
T = TypeVar("T")

Check = Callable[[], Awaitable[object]]


class CheckFailed(Exception):
    """A readiness check found its dependency unfit."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    seconds: float


class HealthChecks:
    """The readiness checks of one service, run together, each within its timeout."""

    def __init__(self, settings: HealthSettings | None = None) -> None:
        self.timeout_seconds = (settings or HealthSettings()).check_timeout_seconds
        self._checks: dict[str, Check] = {}

    def add(self, name: str, check: Check) -> None:
        """Registers (or replaces) a check: an async callable that raises when not ready."""
        self._checks[name] = check

    def add_task(self, name: str, task: asyncio.Task[Any]) -> None:
        """Registers a background task that must keep running (a crashed one fails the check)."""
        self.add(name, lambda: task_alive(task))

    def add_blocking(self, name: str, probe: Callable[[], object]) -> None:
        """Registers a blocking probe, run in a thread; one still running counts as failing."""
        self.add(name, blocking_check(probe))

    def remove(self, name: str) -> None:
        self._checks.pop(name, None)

    @property
    def names(self) -> list[str]:
        return list(self._checks)

    async def run(self) -> list[CheckResult]:
        """Runs every check concurrently; returns their results in registration order."""
        return list(await asyncio.gather(*(self._run_one(n, c) for n, c in self._checks.items())))

    async def _run_one(self, name: str, check: Check) -> CheckResult:
        started = time.monotonic()
        try:
            await asyncio.wait_for(check(), timeout=self.timeout_seconds)
        except TimeoutError:
            return CheckResult(
                name,
                False,
                f"no answer within {self.timeout_seconds:g}s",
                time.monotonic() - started,
            )
        except Exception as exc:
            return CheckResult(
                name, False, f"{type(exc).__name__}: {exc}"[:500], time.monotonic() - started
            )
        return CheckResult(name, True, "ok", time.monotonic() - started)


async def task_alive(task: asyncio.Task[Any]) -> None:
    """Raises CheckFailed when the task has ended (crashed, cancelled or returned)."""
    if not task.done():
        return
    if task.cancelled():
        raise CheckFailed(f"task {task.get_name()} was cancelled")
    error = task.exception()
    raise CheckFailed(f"task {task.get_name()} ended" + (f": {error!r}" if error else ""))


def blocking_check(probe: Callable[[], object]) -> Check:
    """An async check running the probe in a thread, never two at once (a hung probe fails)."""
    running: list[asyncio.Future[object]] = []

    async def check() -> None:
        if running and not running[0].done():
            raise CheckFailed("the previous probe has not returned yet")
        running[:] = [asyncio.ensure_future(asyncio.to_thread(probe))]
        await asyncio.shield(running[0])

    return check


def event_store_probe(application: Any) -> Callable[[], object]:
    """A probe of an eventsourcing application's store: reads its last notification id."""
    return lambda: application.recorder.max_notification_id()


def kafka_check(settings: KafkaSettings) -> Check:
    """An async check that connects to the Kafka cluster (with the configured security) and
    reads its metadata."""

    async def check() -> None:
        admin = AIOKafkaAdminClient(**settings.client_kwargs(), request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.describe_cluster()
        finally:
            await admin.close()

    return check


async def stop_within(what: str, stopping: Awaitable[T], seconds: float) -> T | None:
    """Awaits a stop or join, cancelling it after the given seconds; never raises."""
    try:
        return await asyncio.wait_for(stopping, timeout=seconds)
    except TimeoutError:
        log.warning("%s did not stop within %ss; abandoned", what, seconds)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("%s failed while stopping", what)
    return None


def stop_seconds() -> float:
    """How long each step of shutdown may take (`OKR_STOP_TIMEOUT_SECONDS`)."""
    return HealthSettings().stop_timeout_seconds


def consumer_check(broker: Any) -> Check:
    """An async check that every subscriber of a FastStream broker runs its consume loop."""

    async def check() -> None:
        for subscriber in broker.subscribers:
            name = getattr(subscriber, "call_name", None) or type(subscriber).__name__
            if not getattr(subscriber, "running", False):
                raise CheckFailed(f"subscriber {name} is not running")
            tasks = getattr(subscriber, "tasks", None) or []
            if tasks and all(task.done() for task in tasks):
                raise CheckFailed(f"the consume loop of subscriber {name} has ended")

    return check


def document_store_check(client: Any) -> Check:
    """An async check that a (pymongo async) document store answers a ping."""

    async def check() -> None:
        await client.admin.command("ping")

    return check
