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


def postgres_env(infra: Infra, dbname: str, prefix: str = "GOALS") -> dict[str, str]:
    """eventsourcing settings for a service's store (`prefix`: GOALS, CHECKINS...; "" for the
    unprefixed names) on the given PostgreSQL database."""
    settings = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_HOST": infra.pg_host,
        "POSTGRES_PORT": str(infra.pg_port),
        "POSTGRES_USER": infra.pg_user,
        "POSTGRES_PASSWORD": infra.pg_password,
        "POSTGRES_DBNAME": dbname,
    }
    return {f"{prefix}_{k}" if prefix else k: v for k, v in settings.items()}
