"""An event-sourced store's settings and opening: its PostgreSQL connection string, and opening
the application when several processes start against a fresh database."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from eventsourcing.persistence import PersistenceError

log = logging.getLogger(__name__)
T = TypeVar("T")


def open_application(build: Callable[[], T], attempts: int = 5, pause_seconds: float = 0.5) -> T:
    """Builds the application, retrying when a concurrent process is creating the same tables
    (PostgreSQL's `CREATE TABLE IF NOT EXISTS` is not safe against that race)."""
    for attempt in range(1, attempts + 1):
        try:
            return build()
        except PersistenceError as exc:
            if attempt == attempts:
                raise
            log.warning("event store not ready (%s); retrying", exc)
            time.sleep(pause_seconds * attempt)
    raise AssertionError("unreachable")


def postgres_conninfo(env: dict[str, str], prefix: str) -> str | None:
    """The PostgreSQL connection string of an eventsourcing store (settings in `env`); None when
    the store is not PostgreSQL."""

    def get(key: str, default: str = "") -> str:
        return env.get(f"{prefix}_{key}") or env.get(key) or default

    if get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        return None
    return (
        f"host={get('POSTGRES_HOST', 'localhost')} port={get('POSTGRES_PORT', '5432')} "
        f"dbname={get('POSTGRES_DBNAME')} user={get('POSTGRES_USER')}"
        f" password={get('POSTGRES_PASSWORD')}"
    )
