"""Composition root of the review service: builds every dependency once."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cached_property

from faststream.kafka import KafkaBroker

from okr_reviews.calibration.handlers import CalibrationHandlers
from okr_reviews.contracts import to_cloud_event
from okr_reviews.knowledge.handlers import Knowledge
from okr_reviews.knowledge.store import TABLE, KnowledgeStore
from okr_reviews.knowledge.subscriber import Learner, build_broker
from okr_reviews.reminders.domain import Schedule
from okr_reviews.reminders.handlers import GradingReminderHandlers
from okr_reviews.reminders.scheduler import remind_forever
from okr_reviews.rescoring.handlers import RescoringHandlers
from okr_reviews.retrospectives.handlers import RetrospectiveHandlers
from okr_reviews.reviews.handlers import ReviewHandlers
from okr_reviews.rules.handlers import RuleHandlers
from okr_reviews.settings import ReviewsSettings
from okr_reviews.store import ReviewsStore
from okr_shared.audit.chainer import Chainer
from okr_shared.audit.runtime import ServiceAudit, service_audit
from okr_shared.clock import Clock, SystemClock
from okr_shared.consumer import AppliedPositions
from okr_shared.contracts import ContractRegistry, default_registry
from okr_shared.event_store import open_application
from okr_shared.freshness import KafkaKnowledgeFreshness, KnowledgeFreshness
from okr_shared.identity import TokenVerifier
from okr_shared.knowledge_table import open_knowledge
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, REVIEWS_TOPIC
from okr_shared.outbox import LeaderLock, OutboxRelay, leader_lock
from okr_shared.provision import require_provisioned
from okr_shared.service_runtime import (
    ServiceRuntime,
    knowledge_freshness,
    outbox_relay,
    start_consuming,
)

CONSUMED = (GOALS_TOPIC, CHECKINS_TOPIC)
"""The topics the review service learns from."""


@dataclass
class ReviewsHandlers:
    """One handler object per feature, over the same store and knowledge."""

    store: ReviewsStore
    knowledge: Knowledge
    rules: RuleHandlers
    reviews: ReviewHandlers
    learner: Learner
    retrospectives: RetrospectiveHandlers
    calibration: CalibrationHandlers
    rescoring: RescoringHandlers
    reminders: GradingReminderHandlers


def build_handlers(
    store: ReviewsStore,
    knowledge: KnowledgeStore,
    clock: Clock | None = None,
    freshness: KnowledgeFreshness | None = None,
    schedule: Schedule | None = None,
) -> ReviewsHandlers:
    """The feature handlers over `store`; refusals resting on `knowledge` wait for `freshness`;
    grading reminders go out on `schedule` (default: weekly, a 14-day window)."""
    clock = clock or SystemClock()
    known = Knowledge(knowledge, freshness)
    rules = RuleHandlers(store, clock)
    reviews = ReviewHandlers(store, known, rules, clock)
    learner = Learner(
        knowledge, reviews.open_reviews, reviews.open_review_of, reviews.refresh_suggestion
    )
    retrospectives = RetrospectiveHandlers(store, known, clock)
    calibration = CalibrationHandlers(store, known, reviews, clock)
    reminders = GradingReminderHandlers(store, known, clock, schedule or Schedule())
    rescoring = RescoringHandlers(store, known, rules, clock)
    return ReviewsHandlers(
        store,
        known,
        rules,
        reviews,
        learner,
        retrospectives=retrospectives,
        calibration=calibration,
        rescoring=rescoring,
        reminders=reminders,
    )


@dataclass
class ReviewsContainer:
    settings: ReviewsSettings
    store: ReviewsStore
    handlers: ReviewsHandlers
    knowledge: KnowledgeStore
    broker: KafkaBroker
    verifier: TokenVerifier
    registry: ContractRegistry
    freshness: KafkaKnowledgeFreshness

    def new_relay(self, name: str = "reviews-relay", batch_size: int = 500) -> OutboxRelay:
        """A relay over this service's event store, publishing to `okr.reviews.v1`."""
        return outbox_relay(
            self.store,
            self.settings,
            "REVIEWS",
            REVIEWS_TOPIC,
            published_form=lambda event, _first: to_cloud_event(event, self.registry),
            name=name,
            batch_size=batch_size,
        )

    def grading_reminder_lock(self) -> LeaderLock:
        return leader_lock(self.settings.event_store, "REVIEWS", "reviews-grading-reminders")

    async def remind_forever(self, stop: asyncio.Event) -> None:
        """Sends grading reminders every interval, while holding the grading reminder lock."""
        await remind_forever(
            self.handlers.reminders,
            self.grading_reminder_lock(),
            self.settings.grading_reminder_interval_seconds,
            stop,
        )

    async def start_consuming(self) -> None:
        """Creates the topics if missing, then learns from `okr.goals.v1` and `okr.checkins.v1`;
        refusals from then on first check that this knowledge has caught up with the topics."""
        await start_consuming(self.settings, CONSUMED, REVIEWS_TOPIC, self.freshness, self.broker)

    @cached_property
    def audit(self) -> ServiceAudit:
        """The service's audit trail (chain, checkpoints, read log); refuses an unsafe signing
        key outside development."""
        return service_audit(
            self.store,
            self.settings,
            "REVIEWS",
            "reviews",
            lambda event, _first: to_cloud_event(event, self.registry),
            self.registry,
        )

    def new_chainer(self) -> Chainer:
        """The audit chainer over this service's store, run beside the relay."""
        return self.audit.new_chainer()

    def runtime(self) -> ServiceRuntime:
        """What runs beside the HTTP API: the knowledge consumer, the relay and, unless switched
        off, the grading reminder scheduler."""
        enabled = self.settings.grading_reminders_enabled
        reminders = [("grading-reminders", self.remind_forever)] if enabled else []
        return ServiceRuntime(
            store=self.store,
            kafka=self.settings.kafka,
            topic=self.settings.kafka.topic(REVIEWS_TOPIC),
            new_relay=self.new_relay,
            new_chainer=self.new_chainer if self.settings.audit.chain_enabled else None,
            broker=self.broker,
            start_consuming=self.start_consuming,
            tasks=reminders,
            close=self.knowledge.close,
        )


def knowledge_store(env: dict[str, str]) -> KnowledgeStore:
    """The knowledge table in the service's own PostgreSQL database, or an SQLite file beside its
    store, or else in memory."""
    return open_knowledge(env, "REVIEWS", TABLE)


def bootstrap(
    settings: ReviewsSettings | None = None,
    clock: Clock | None = None,
    knowledge: KnowledgeStore | None = None,
) -> ReviewsContainer:
    """Builds the review service's dependencies from settings."""
    settings = settings or ReviewsSettings()
    require_provisioned("reviews", settings.kafka, settings.event_store, settings.consumer_group)
    registry = default_registry()
    knowledge = knowledge or knowledge_store(settings.event_store)
    positions = AppliedPositions()
    freshness = knowledge_freshness(settings, CONSUMED, positions)
    store = open_application(lambda: ReviewsStore(env=settings.event_store))
    schedule = Schedule(settings.grading_reminder_period_days, settings.grading_window_days)
    handlers = build_handlers(store, knowledge, clock, freshness, schedule)
    broker = build_broker(
        settings.kafka, handlers.learner, registry, settings.consumer_group, positions
    )
    return ReviewsContainer(
        settings,
        store,
        handlers,
        knowledge,
        broker,
        TokenVerifier(settings.auth),
        registry,
        freshness,
    )
