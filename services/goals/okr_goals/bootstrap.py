"""Composition root of the goal service: builds every dependency once."""

from __future__ import annotations

from dataclasses import dataclass

from okr_shared.contracts import ContractRegistry, default_registry
from okr_shared.identity import TokenVerifier
from okr_shared.messaging import GOALS_TOPIC, CloudEventPublisher

from okr_goals.adapters.leader_lock import FileLock, LeaderLock, PostgresAdvisoryLock
from okr_goals.adapters.outbox_relay import OutboxRelay
from okr_goals.application.service import GoalsApplication
from okr_goals.settings import GoalsSettings


@dataclass
class GoalsContainer:
    settings: GoalsSettings
    application: GoalsApplication
    verifier: TokenVerifier
    registry: ContractRegistry

    def new_relay(self, name: str = "goals-relay", batch_size: int = 500) -> OutboxRelay:
        """A relay over this service's event store, publishing to `okr.goals.v1`."""
        return OutboxRelay(
            app=self.application,
            tracking=self.application.factory.tracking_recorder(),
            publisher=CloudEventPublisher(self.settings.kafka, client_id=name),
            lock=leader_lock(self.settings.event_store, name),
            registry=self.registry,
            topic=GOALS_TOPIC,
            name=name,
            batch_size=batch_size,
            poll_interval=self.settings.relay_poll_seconds,
        )


def _get(env: dict[str, str], key: str, default: str = "") -> str:
    return env.get(f"GOALS_{key}") or env.get(key) or default


def leader_lock(env: dict[str, str], name: str) -> LeaderLock:
    """An advisory lock on PostgreSQL, a file lock beside an SQLite store."""
    module = _get(env, "PERSISTENCE_MODULE")
    if module == "eventsourcing.postgres":
        conninfo = (
            f"host={_get(env, 'POSTGRES_HOST', 'localhost')} port={_get(env, 'POSTGRES_PORT', '5432')} "
            f"dbname={_get(env, 'POSTGRES_DBNAME')} user={_get(env, 'POSTGRES_USER')} "
            f"password={_get(env, 'POSTGRES_PASSWORD')}"
        )
        return PostgresAdvisoryLock(conninfo, f"okr:{name}")
    dbname = _get(env, "SQLITE_DBNAME", "goals")
    if dbname.startswith(":memory:") or "mode=memory" in dbname:
        raise ValueError("an in-memory event store cannot be shared with a relay process")
    return FileLock(f"{dbname}.{name}.lock")


def bootstrap(settings: GoalsSettings | None = None) -> GoalsContainer:
    """Builds the goal service's dependencies from settings."""
    settings = settings or GoalsSettings()
    return GoalsContainer(
        settings=settings,
        application=GoalsApplication(env=settings.event_store),
        verifier=TokenVerifier(settings.auth),
        registry=default_registry(),
    )
