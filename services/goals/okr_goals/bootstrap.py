"""Composition root of the goal service: builds every dependency once."""

from __future__ import annotations

from dataclasses import dataclass

from okr_goals.contracts import published_form
from okr_goals.service import GoalsApplication
from okr_goals.settings import GoalsSettings
from okr_goals.store import ProcessTenantLocks, TenantLocks
from okr_goals.tenant_locks import PostgresTenantLocks
from okr_shared.contracts import ContractRegistry, default_registry
from okr_shared.event_store import open_application
from okr_shared.identity import TokenVerifier
from okr_shared.messaging import GOALS_TOPIC, CloudEventPublisher, dead_letter_topic, ensure_topics
from okr_shared.outbox import OutboxRelay, leader_lock, postgres_conninfo


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
            lock=leader_lock(self.settings.event_store, "GOALS", name),
            published_form=published_form(self.registry),
            topic=self.settings.kafka.topic(GOALS_TOPIC),
            dead_letters=self.settings.kafka.topic(dead_letter_topic(name)),
            ensure_topics=lambda topics: ensure_topics(self.settings.kafka, topics),
            name=name,
            batch_size=batch_size,
            poll_interval=self.settings.relay_poll_seconds,
        )


def tenant_locks(env: dict[str, str]) -> TenantLocks:
    """Advisory locks shared by every replica on PostgreSQL; in-process locks beside an SQLite store."""
    conninfo = postgres_conninfo(env, "GOALS")
    return PostgresTenantLocks(conninfo) if conninfo else ProcessTenantLocks()


def bootstrap(settings: GoalsSettings | None = None) -> GoalsContainer:
    """Builds the goal service's dependencies from settings."""
    settings = settings or GoalsSettings()
    registry = default_registry()
    return GoalsContainer(
        settings=settings,
        application=open_application(
            lambda: GoalsApplication(
                env=settings.event_store,
                tenant_locks=tenant_locks(settings.event_store),
                published_form=published_form(registry),
            )
        ),
        verifier=TokenVerifier(settings.auth),
        registry=registry,
    )
