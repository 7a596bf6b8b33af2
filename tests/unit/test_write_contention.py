"""A write that keeps colliding with concurrent writes to the same records answers 503 with
Retry-After (send it again), never 500; and every route with a body documents that answer."""

from __future__ import annotations

import pytest
from eventsourcing.persistence import IntegrityError
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel

from okr_shared.api_models import document_problems
from okr_shared.problems import Problem, call, install_problem_handlers


def collides() -> None:
    raise IntegrityError("duplicate key value violates unique constraint")


async def test_a_write_that_lost_every_race_is_a_503_to_retry() -> None:
    with pytest.raises(Problem) as raised:
        await call(collides)

    assert raised.value.status == 503
    assert raised.value.kind == "write-contention"
    assert raised.value.headers == {"Retry-After": "1"}


class Body(BaseModel):
    title: str


def test_the_answer_over_http_and_in_the_openapi_document() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def create(body: Body) -> dict:
        return await call(collides)

    response = TestClient(app).post("/things", json={"title": "x"})
    documented = document_problems(app.openapi(), frozenset())

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json()["title"] == "Busy"
    assert "503" in documented["paths"]["/things"]["post"]["responses"]
