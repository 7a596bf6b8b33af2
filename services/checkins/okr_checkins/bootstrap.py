"""Composition root of the check-in service: builds every dependency once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cached_property

from faststream.kafka import KafkaBroker

from okr_checkins.cadences.handlers import CadenceHandlers
from okr_checkins.cadences.scheduler import remind_forever
from okr_checkins.check_ins.handlers import CheckInHandlers
from okr_checkins.contracts import to_cloud_event
from okr_checkins.conversations.handlers import ConversationHandlers
from okr_checkins.feed.handlers import FeedHandlers
from okr_checkins.feedback.handlers import FeedbackHandlers
from okr_checkins.knowledge.handlers import GoalKnowledge
from okr_checkins.knowledge.store import TABLE, KnowledgeStore
from okr_checkins.knowledge.subscriber import build_broker
from okr_checkins.settings import CheckinsSettings
from okr_checkins.store import CheckinsStore
from okr_shared.audit.chainer import Chainer
from okr_shared.audit.runtime import ServiceAudit, service_audit
from okr_shared.clock import Clock, SystemClock
from okr_shared.consumer import AppliedPositions
from okr_shared.contracts import ContractRegistry, default_registry
from okr_shared.event_store import open_application
from okr_shared.freshness import KafkaKnowledgeFreshness, KnowledgeFreshness
from okr_shared.identity import TokenVerifier
from okr_shared.knowledge_table import open_knowledge
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC
from okr_shared.outbox import LeaderLock, OutboxRelay, leader_lock
from okr_shared.personal import PersonalData, open_key_table
from okr_shared.provision import require_provisioned
from okr_shared.service_runtime import (
    ServiceRuntime,
    knowledge_freshness,
    outbox_relay,
    start_consuming,
)

CONSUMED = (GOALS_TOPIC,)
"""The topics the check-in service learns from."""


@dataclass
class CheckinsHandlers:
    """One handler object per feature, all over the same store and goal knowledge."""

    store: CheckinsStore
    goals: GoalKnowledge
    check_ins: CheckInHandlers
    feed: FeedHandlers
    cadences: CadenceHandlers
    conversations: ConversationHandlers
    feedback: FeedbackHandlers


def build_handlers(
    store: CheckinsStore,
    knowledge: KnowledgeStore,
    clock: Clock | None = None,
    freshness: KnowledgeFreshness | None = None,
) -> CheckinsHandlers:
    """The feature handlers over `store`; refusals resting on `knowledge` wait for `freshness`."""
    clock = clock or SystemClock()
    goals = GoalKnowledge(knowledge, freshness)
    check_ins = CheckInHandlers(store, goals, clock)
    return CheckinsHandlers(
        store=store,
        goals=goals,
        check_ins=check_ins,
        feed=FeedHandlers(check_ins, goals),
        cadences=CadenceHandlers(store, goals, check_ins, clock),
        conversations=ConversationHandlers(store, goals, clock),
        feedback=FeedbackHandlers(store, goals, clock),
    )


@dataclass
class CheckinsContainer:
    settings: CheckinsSettings
    store: CheckinsStore
    handlers: CheckinsHandlers
    knowledge: KnowledgeStore
    broker: KafkaBroker
    verifier: TokenVerifier
    registry: ContractRegistry
    freshness: KafkaKnowledgeFreshness

    def new_relay(self, name: str = "checkins-relay", batch_size: int = 500) -> OutboxRelay:
        """A relay over this service's event store, publishing to `okr.checkins.v1`."""
        return outbox_relay(
            self.store,
            self.settings,
            "CHECKINS",
            CHECKINS_TOPIC,
            published_form=lambda event, _first: to_cloud_event(event, self.registry),
            name=name,
            batch_size=batch_size,
        )

    def reminder_lock(self) -> LeaderLock:
        return leader_lock(self.settings.event_store, "CHECKINS", "checkins-reminders")

    async def start_consuming(self) -> None:
        """Creates the topics if missing, then learns goals from `okr.goals.v1`; refusals from then
        on first check that this knowledge has caught up with the topic."""
        await start_consuming(self.settings, CONSUMED, CHECKINS_TOPIC, self.freshness, self.broker)

    async def remind_forever(self, stop: asyncio.Event) -> None:
        """Sends due and overdue reminders every interval, while holding the reminder lock."""
        await remind_forever(
            self.handlers.cadences,
            self.reminder_lock(),
            self.settings.reminder_interval_seconds,
            stop,
        )

    @cached_property
    def audit(self) -> ServiceAudit:
        """The service's audit trail (chain, checkpoints, read log); refuses an unsafe signing
        key outside development."""
        return service_audit(
            self.store,
            self.settings,
            "CHECKINS",
            "checkins",
            lambda event, _first: to_cloud_event(event, self.registry),
            self.registry,
        )

    def new_chainer(self) -> Chainer:
        """The audit chainer over this service's store, run beside the relay."""
        return self.audit.new_chainer()

    def runtime(self) -> ServiceRuntime:
        """What runs beside the HTTP API: the goal-knowledge consumer, the relay and, unless
        switched off, the reminder scheduler."""
        reminders = [("reminders", self.remind_forever)] if self.settings.reminders_enabled else []
        return ServiceRuntime(
            store=self.store,
            kafka=self.settings.kafka,
            topic=self.settings.kafka.topic(CHECKINS_TOPIC),
            new_relay=self.new_relay,
            new_chainer=self.new_chainer if self.settings.audit.chain_enabled else None,
            broker=self.broker,
            start_consuming=self.start_consuming,
            consumer_name="goals-consumer",
            tasks=reminders,
            close=self.knowledge.close,
        )


def knowledge_store(env: dict[str, str]) -> KnowledgeStore:
    """The knowledge table in the service's own PostgreSQL database, or an SQLite file beside its
    store, or else in memory."""
    return open_knowledge(env, "CHECKINS", TABLE)


def bootstrap(
    settings: CheckinsSettings | None = None,
    clock: Clock | None = None,
    knowledge: KnowledgeStore | None = None,
) -> CheckinsContainer:
    """Builds the check-in service's dependencies from settings."""
    settings = settings or CheckinsSettings()
    require_provisioned("checkins", settings.kafka, settings.event_store, settings.consumer_group)
    registry = default_registry()
    knowledge = knowledge or knowledge_store(settings.event_store)
    positions = AppliedPositions()
    freshness = knowledge_freshness(settings, CONSUMED, positions)
    store = open_application(lambda: CheckinsStore(env=settings.event_store))
    store.personal = PersonalData(open_key_table(settings.event_store, "CHECKINS"))
    handlers = build_handlers(store, knowledge, clock, freshness)
    broker = build_broker(
        settings.kafka,
        knowledge,
        registry,
        settings.consumer_group,
        positions,
        personal=store.personal,
    )
    return CheckinsContainer(
        settings,
        store,
        handlers,
        knowledge,
        broker,
        TokenVerifier(settings.auth),
        registry,
        freshness,
    )
