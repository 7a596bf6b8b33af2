"""A database that is down, restarting or cut off mid-request answers 503 with Retry-After
(send it again with its idempotency key), never 500: inside the handlers' `call` and anywhere
else in a request (found by `make faults`, a PostgreSQL kill -9 under load)."""

from __future__ import annotations

import psycopg
import pytest
from eventsourcing.persistence import OperationalError
from fastapi import FastAPI
from fastapi.testclient import TestClient

from okr_shared.problems import Problem, call, install_problem_handlers


def connection_broke() -> None:
    raise psycopg.OperationalError("consuming input failed: server closed the connection")


def store_down() -> None:
    raise OperationalError("connection refused")


@pytest.mark.parametrize("fails", [connection_broke, store_down])
async def test_a_store_that_is_down_is_a_503_to_retry(fails) -> None:
    with pytest.raises(Problem) as raised:
        await call(fails)

    assert raised.value.status == 503
    assert raised.value.kind == "store-unavailable"
    assert raised.value.headers == {"Retry-After": "2"}


def test_outside_the_handlers_too() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/things")
    async def things() -> dict:
        connection_broke()
        return {}

    @app.get("/other")
    async def other() -> dict:
        raise RuntimeError("a bug")

    client = TestClient(app, raise_server_exceptions=False)
    down = client.get("/things")
    assert down.status_code == 503
    assert down.headers["retry-after"] == "2"
    assert down.headers["content-type"].startswith("application/problem+json")
    assert "may or may not have been applied" in down.json()["detail"]
    assert client.get("/other").status_code == 500
