"""Composition root of the goal service: builds every dependency once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from okr_goals.alignment.handlers import AlignmentHandlers
from okr_goals.contracts import published_form
from okr_goals.cycles.handlers import CycleHandlers
from okr_goals.directory.handlers import DirectoryHandlers
from okr_goals.erasure.handlers import ErasureHandlers
from okr_goals.history.handlers import HistoryHandlers
from okr_goals.objectives.handlers import ObjectiveHandlers
from okr_goals.rollover.handlers import RolloverHandlers
from okr_goals.settings import GoalsSettings
from okr_goals.store import GoalsStore, ProcessTenantLocks, TenantLocks
from okr_goals.tenant_locks import PostgresTenantLocks
from okr_shared.audit.chainer import Chainer
from okr_shared.audit.runtime import ServiceAudit, service_audit
from okr_shared.contracts import ContractRegistry, default_registry
from okr_shared.event_store import open_application, postgres_conninfo
from okr_shared.identity import TokenVerifier
from okr_shared.messaging import GOALS_TOPIC
from okr_shared.outbox import OutboxRelay
from okr_shared.personal import PersonalData, open_key_table
from okr_shared.provision import require_provisioned
from okr_shared.service_runtime import ServiceRuntime, outbox_relay


@dataclass(frozen=True)
class GoalFeatures:
    """The store and one handler object per feature, each built with what it uses."""

    store: GoalsStore
    objectives: ObjectiveHandlers
    alignment: AlignmentHandlers
    cycles: CycleHandlers
    directory: DirectoryHandlers
    rollover: RolloverHandlers
    history: HistoryHandlers
    erasure: ErasureHandlers


def compose(store: GoalsStore) -> GoalFeatures:
    """Builds the feature handlers over one store; alignment, rollover and history use the
    objective handlers for loading, checking and referencing objectives."""
    objectives = ObjectiveHandlers(store)
    return GoalFeatures(
        store=store,
        objectives=objectives,
        alignment=AlignmentHandlers(store, objectives),
        cycles=CycleHandlers(store),
        directory=DirectoryHandlers(store),
        rollover=RolloverHandlers(store, objectives),
        history=HistoryHandlers(store, objectives),
        erasure=ErasureHandlers(store),
    )


@dataclass
class GoalsContainer:
    settings: GoalsSettings
    features: GoalFeatures
    verifier: TokenVerifier
    registry: ContractRegistry

    @property
    def store(self) -> GoalsStore:
        return self.features.store

    def new_relay(self, name: str = "goals-relay", batch_size: int = 500) -> OutboxRelay:
        """A relay over this service's event store, publishing to `okr.goals.v1`."""
        return outbox_relay(
            self.store,
            self.settings,
            "GOALS",
            GOALS_TOPIC,
            published_form=published_form(self.registry),
            name=name,
            batch_size=batch_size,
        )

    @cached_property
    def audit(self) -> ServiceAudit:
        """The service's audit trail (chain, checkpoints, read log); refuses an unsafe signing
        key outside development."""
        return service_audit(
            self.store,
            self.settings,
            "GOALS",
            "goals",
            published_form(self.registry),
            self.registry,
        )

    def new_chainer(self) -> Chainer:
        """The audit chainer over this service's store, run beside the relay."""
        return self.audit.new_chainer()

    def runtime(self) -> ServiceRuntime:
        """What runs beside the HTTP API: the relay alone (the goal service consumes nothing)."""
        return ServiceRuntime(
            store=self.store,
            kafka=self.settings.kafka,
            topic=self.settings.kafka.topic(GOALS_TOPIC),
            new_relay=self.new_relay,
            new_chainer=self.new_chainer if self.settings.audit.chain_enabled else None,
        )


def tenant_locks(env: dict[str, str]) -> TenantLocks:
    """Advisory locks shared by every replica on PostgreSQL; in-process locks beside an SQLite
    store."""
    conninfo = postgres_conninfo(env, "GOALS")
    return PostgresTenantLocks(conninfo) if conninfo else ProcessTenantLocks()


def bootstrap(settings: GoalsSettings | None = None) -> GoalsContainer:
    """Builds the goal service's dependencies from settings."""
    settings = settings or GoalsSettings()
    require_provisioned("goals", settings.kafka, settings.event_store)
    registry = default_registry()
    store = open_application(
        lambda: GoalsStore(
            env=settings.event_store,
            tenant_locks=tenant_locks(settings.event_store),
            published_form=published_form(registry),
        )
    )
    store.personal = PersonalData(open_key_table(settings.event_store, "GOALS"))
    return GoalsContainer(
        settings=settings,
        features=compose(store),
        verifier=TokenVerifier(settings.auth),
        registry=registry,
    )
