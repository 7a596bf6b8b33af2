"""Fixtures shared by every suite: tokens and, for integration and e2e, the real infrastructure."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings
from tests.support.infra import Containers, Infra, create_databases, drop_databases, local_processes

os.environ.setdefault("OKR_ENV", "development")


@pytest.fixture(scope="session")
def issuer() -> DevTokenIssuer:
    return DevTokenIssuer(AuthSettings())


@pytest.fixture(scope="session")
def infra() -> Iterator[Infra]:
    if os.environ.get("OKR_TEST_INFRA") == "containers":
        containers = Containers()
        try:
            yield containers.start()
        finally:
            containers.stop()
    else:
        yield local_processes()


@pytest.fixture
def new_database(infra: Infra) -> Iterator[Callable[[], str]]:
    """Creates fresh PostgreSQL databases for one test on demand; all dropped afterwards."""
    created: list[str] = []

    def create() -> str:
        name = f"okr_test_{uuid.uuid4().hex[:12]}"
        create_databases(infra, name)
        created.append(name)
        return name

    yield create
    drop_databases(infra, *created)


@pytest.fixture
def postgres_db(new_database: Callable[[], str]) -> str:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    return new_database()


def postgres_env(infra: Infra, dbname: str) -> dict[str, str]:
    """eventsourcing settings for the goal service on the given PostgreSQL database."""
    return {
        "GOALS_PERSISTENCE_MODULE": "eventsourcing.postgres",
        "GOALS_POSTGRES_HOST": infra.pg_host,
        "GOALS_POSTGRES_PORT": str(infra.pg_port),
        "GOALS_POSTGRES_USER": infra.pg_user,
        "GOALS_POSTGRES_PASSWORD": infra.pg_password,
        "GOALS_POSTGRES_DBNAME": dbname,
    }
