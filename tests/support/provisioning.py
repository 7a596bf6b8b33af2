"""Fresh PostgreSQL databases with a runtime role that has no DDL rights, the provisioning
commands run as processes, and the services' store settings for either user."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

from tests.support.infra import Infra, pg_conninfo


@dataclass(frozen=True)
class Database:
    """A fresh database; `role` may log in and use what is granted, and create nothing."""

    infra: Infra
    name: str
    role: str
    password: str

    def store_env(self, service: str, runtime: bool) -> dict[str, str]:
        """The service's PostgreSQL settings as the runtime role or the privileged user."""
        prefix = service.upper()
        user, password = (
            (self.role, self.password) if runtime else (self.infra.pg_user, self.infra.pg_password)
        )
        return {
            f"{prefix}_PERSISTENCE_MODULE": "eventsourcing.postgres",
            f"{prefix}_POSTGRES_HOST": self.infra.pg_host,
            f"{prefix}_POSTGRES_PORT": str(self.infra.pg_port),
            f"{prefix}_POSTGRES_USER": user,
            f"{prefix}_POSTGRES_PASSWORD": password,
            f"{prefix}_POSTGRES_DBNAME": self.name,
        }

    def conninfo(self, runtime: bool = False) -> str:
        user, password = (
            (self.role, self.password) if runtime else (self.infra.pg_user, self.infra.pg_password)
        )
        return (
            f"host={self.infra.pg_host} port={self.infra.pg_port} dbname={self.name} "
            f"user={user} password={password}"
        )

    def tables(self) -> set[str]:
        with psycopg.connect(self.conninfo()) as conn:
            rows = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        return {row[0] for row in rows}


def _role_maker(infra: Infra) -> str:
    """A connection allowed to create roles: the cluster's superuser (`OKR_PG_SUPERUSER`,
    `postgres` by default: the local cluster trusts it on 127.0.0.1), else the test user when it
    may create roles itself (a throwaway container's)."""
    user = os.environ.get("OKR_PG_SUPERUSER", "postgres")
    password = os.environ.get("OKR_PG_SUPERUSER_PASSWORD", "")
    superuser = (
        f"host={infra.pg_host} port={infra.pg_port} user={user} password={password} dbname=postgres"
    )
    try:
        psycopg.connect(superuser, connect_timeout=5).close()
        return superuser
    except psycopg.OperationalError:
        pass
    with psycopg.connect(pg_conninfo(infra)) as conn:
        allowed = conn.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    if not allowed or not allowed[0]:
        raise RuntimeError(
            f"no PostgreSQL user may create roles: set OKR_PG_SUPERUSER (tried {user!r}) or give"
            f" {infra.pg_user!r} CREATEROLE"
        )
    return pg_conninfo(infra)


@contextmanager
def database_without_ddl(infra: Infra) -> Iterator[Database]:
    """A fresh database (owned by the test user, the privileged one) where nobody else may
    create in the schema `public`, and a new LOGIN role with no rights; both dropped after."""
    token = uuid.uuid4().hex[:10]
    db = Database(infra, f"okr_prov_{token}", f"okr_runtime_{token}", uuid.uuid4().hex)
    roles = _role_maker(infra)
    with psycopg.connect(roles, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE \"{db.role}\" LOGIN PASSWORD '{db.password}'")
    try:
        with psycopg.connect(pg_conninfo(infra), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{db.name}"')
        with psycopg.connect(pg_conninfo(infra, db.name), autocommit=True) as conn:
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        yield db
    finally:
        with psycopg.connect(pg_conninfo(infra), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db.name}" WITH (FORCE)')
        with psycopg.connect(roles, autocommit=True) as conn:
            conn.execute(f'DROP ROLE IF EXISTS "{db.role}"')


def provision(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`python -m okr_shared.provision <args>` with `env` over this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "okr_shared.provision", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
