"""Readiness checks: each bounded by its timeout, failures named; stops bounded too."""

from __future__ import annotations

import asyncio
import threading
import time

import httpx
from fastapi import FastAPI

from okr_shared.health import HealthChecks, stop_within
from okr_shared.identity import TokenVerifier
from okr_shared.settings import AuthSettings, HealthSettings
from okr_shared.web import create_app


def app_with(checks: dict) -> FastAPI:
    app = create_app("t", "0", "t", verifier=TokenVerifier(AuthSettings()), routers=[])
    app.state.health = HealthChecks(HealthSettings(check_timeout_seconds=0.3))
    for name, check in checks.items():
        app.state.health.add(name, check)
    return app


async def get(app: FastAPI, path: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        return await c.get(path)


async def ok() -> None:
    pass


async def hangs() -> None:
    await asyncio.Event().wait()


async def broken() -> None:
    raise ConnectionRefusedError("connection refused")


async def test_ready_answers_503_naming_the_failed_and_the_slow_checks_quickly() -> None:
    app = app_with({"kafka": ok, "event-store": hangs, "document-store": broken})
    started = time.monotonic()
    response = await get(app, "/health/ready")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["event-store", "document-store"]
    assert "no answer within 0.3s" in body["checks"]["event-store"]["detail"]
    assert "connection refused" in body["checks"]["document-store"]["detail"]
    assert body["checks"]["kafka"]["ok"]


async def test_live_and_health_answer_while_readiness_fails() -> None:
    app = app_with({"event-store": broken})
    assert (await get(app, "/health/live")).status_code == 200
    assert (await get(app, "/health")).status_code == 200
    assert (await get(app, "/health/ready")).status_code == 503


async def test_ready_is_200_when_every_check_passes() -> None:
    assert (await get(app_with({"kafka": ok}), "/health/ready")).json()["status"] == "ok"


async def test_a_crashed_background_task_fails_readiness() -> None:
    async def crash() -> None:
        raise RuntimeError("relay crashed")

    task = asyncio.create_task(crash(), name="outbox-relay")
    await asyncio.wait([task])
    app = app_with({})
    app.state.health.add_task("outbox-relay", task)
    body = (await get(app, "/health/ready")).json()
    assert body["failed"] == ["outbox-relay"]
    assert "relay crashed" in body["checks"]["outbox-relay"]["detail"]


async def test_a_hung_blocking_probe_is_not_started_twice() -> None:
    release = threading.Event()
    calls = []

    def probe() -> None:
        calls.append(1)
        release.wait(5)

    app = app_with({})
    app.state.health.add_blocking("event-store", probe)
    for _ in range(3):
        assert (await get(app, "/health/ready")).status_code == 503
    release.set()
    assert len(calls) == 1


async def test_stop_within_gives_up_after_its_timeout() -> None:
    started = time.monotonic()
    assert await stop_within("stuck", hangs(), 0.2) is None
    assert time.monotonic() - started < 1
