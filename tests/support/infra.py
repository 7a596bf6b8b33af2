"""Where the real infrastructure is for integration and e2e tests.

By default the processes started by `deploy/local/infra.sh up` (what `make test` does);
with OKR_TEST_INFRA=containers, throwaway containers through testcontainers (needs Docker).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Infra:
    kafka_bootstrap: str
    pg_host: str
    pg_port: int
    pg_user: str
    pg_password: str
    pg_admin_db: str
    mongo_url: str
    jaeger_otlp: str = "127.0.0.1:4318"
    """Jaeger's OTLP/HTTP receiver (host:port), the trace backend of `deploy/local/jaeger.sh`."""
    jaeger_ui: str = "127.0.0.1:16686"
    """Jaeger's query UI and API (host:port)."""


def _reachable(hostport: str) -> bool:
    host, _, port = hostport.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


def local_processes() -> Infra:
    infra = Infra(
        kafka_bootstrap=os.environ.get("OKR_KAFKA_BOOTSTRAP", "localhost:9092"),
        pg_host="127.0.0.1",
        pg_port=int(os.environ.get("OKR_PG_PORT", "54329")),
        pg_user=os.environ.get("OKR_PG_USER", "okr"),
        pg_password=os.environ.get("OKR_PG_PASSWORD", "okr"),
        pg_admin_db=os.environ.get("OKR_PG_DB", "okr"),
        mongo_url=os.environ.get(
            "OKR_MONGO_URL", f"mongodb://127.0.0.1:{os.environ.get('OKR_FERRETDB_PORT', '27017')}/"
        ),
        jaeger_otlp=f"127.0.0.1:{os.environ.get('OKR_JAEGER_OTLP_PORT', '4318')}",
        jaeger_ui=f"127.0.0.1:{os.environ.get('OKR_JAEGER_UI_PORT', '16686')}",
    )
    mongo_hostport = infra.mongo_url.split("//", 1)[1].split("/", 1)[0]
    down = [
        name
        for name, hp in (
            ("Kafka", infra.kafka_bootstrap),
            ("PostgreSQL", f"{infra.pg_host}:{infra.pg_port}"),
            ("document store", mongo_hostport),
        )
        if not _reachable(hp)
    ]
    if down:
        raise RuntimeError(
            f"{', '.join(down)} not reachable: start them with `make infra-up` (or run `make test`)"
        )
    return infra


def jaeger(infra: Infra) -> tuple[str, str]:
    """Jaeger's OTLP endpoint and query API base URL; raises (the test fails, it does not skip)
    when Jaeger is not running: `make test` starts it with the rest (`deploy/local/infra.sh up`)."""
    down = [hp for hp in (infra.jaeger_otlp, infra.jaeger_ui) if not _reachable(hp)]
    if down:
        raise RuntimeError(
            f"Jaeger not reachable at {', '.join(down)}: start it with `deploy/local/jaeger.sh "
            "start` or `make infra-up` (or run `make test`)"
        )
    return f"http://{infra.jaeger_otlp}", f"http://{infra.jaeger_ui}"


class Containers:
    """Kafka, PostgreSQL and MongoDB from official images, for machines with a Docker engine."""

    def __init__(self) -> None:
        from testcontainers.community.kafka import KafkaContainer
        from testcontainers.community.mongodb import MongoDbContainer
        from testcontainers.community.postgres import PostgresContainer

        self._kafka = KafkaContainer("confluentinc/cp-kafka:7.6.1").with_kraft()
        self._pg = PostgresContainer("postgres:16", username="okr", password="okr", dbname="okr")
        self._mongo = MongoDbContainer("mongo:7")

    def start(self) -> Infra:
        for c in (self._kafka, self._pg, self._mongo):
            c.start()
        return Infra(
            kafka_bootstrap=self._kafka.get_bootstrap_server(),
            pg_host=self._pg.get_container_host_ip(),
            pg_port=int(self._pg.get_exposed_port(5432)),
            pg_user="okr",
            pg_password="okr",
            pg_admin_db="okr",
            mongo_url=self._mongo.get_connection_url(),
        )

    def stop(self) -> None:
        for c in (self._mongo, self._pg, self._kafka):
            c.stop()


def pg_conninfo(infra: Infra, dbname: str | None = None) -> str:
    """A connection string to the test PostgreSQL as the test user (the admin database by
    default)."""
    return (
        f"host={infra.pg_host} port={infra.pg_port} user={infra.pg_user} "
        f"password={infra.pg_password} dbname={dbname or infra.pg_admin_db}"
    )


def create_databases(infra: Infra, *names: str) -> None:
    """Creates empty PostgreSQL databases of these names."""
    import psycopg

    with psycopg.connect(pg_conninfo(infra), autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_databases(infra: Infra, *names: str) -> None:
    """Drops these PostgreSQL databases, whoever is still connected."""
    import psycopg

    with psycopg.connect(pg_conninfo(infra), autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
