"""Composition root of the incentive service: builds every dependency once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from faststream.kafka import KafkaBroker

from okr_incentives.awards.handlers import AwardHandlers
from okr_incentives.contracts import to_cloud_event
from okr_incentives.exports.handlers import ExportHandlers
from okr_incentives.knowledge.handlers import Knowledge
from okr_incentives.knowledge.store import TABLE, KnowledgeStore
from okr_incentives.knowledge.subscriber import Learner, build_broker
from okr_incentives.policies.handlers import PolicyHandlers
from okr_incentives.recognition.handlers import RecognitionHandlers
from okr_incentives.settings import IncentivesSettings
from okr_incentives.store import IncentivesStore
from okr_shared.audit.chainer import Chainer
from okr_shared.audit.runtime import ServiceAudit, service_audit
from okr_shared.clock import Clock, SystemClock
from okr_shared.consumer import AppliedPositions
from okr_shared.contracts import ContractRegistry, default_registry
from okr_shared.event_store import open_application
from okr_shared.freshness import KafkaKnowledgeFreshness, KnowledgeFreshness
from okr_shared.identity import TokenVerifier
from okr_shared.knowledge_table import open_knowledge
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, INCENTIVES_TOPIC, REVIEWS_TOPIC
from okr_shared.outbox import OutboxRelay
from okr_shared.personal import PersonalData, open_key_table
from okr_shared.provision import require_provisioned
from okr_shared.service_runtime import (
    ServiceRuntime,
    knowledge_freshness,
    outbox_relay,
    start_consuming,
)

CONSUMED = (GOALS_TOPIC, REVIEWS_TOPIC, CHECKINS_TOPIC)
"""The topics the service learns from."""


@dataclass
class IncentivesHandlers:
    """One handler object per feature, over the same store and knowledge."""

    store: IncentivesStore
    knowledge: Knowledge
    policies: PolicyHandlers
    awards: AwardHandlers
    learner: Learner
    exports: ExportHandlers
    recognition: RecognitionHandlers


def build_handlers(
    store: IncentivesStore,
    knowledge: KnowledgeStore,
    clock: Clock | None = None,
    freshness: KnowledgeFreshness | None = None,
) -> IncentivesHandlers:
    """The feature handlers over `store`; refusals resting on `knowledge` wait for `freshness`."""
    clock = clock or SystemClock()
    known = Knowledge(knowledge, freshness)
    policies = PolicyHandlers(store, clock)
    awards = AwardHandlers(store, known, policies, clock)
    recognition = RecognitionHandlers(store, known, clock)
    learner = Learner(
        knowledge, awards.review_learned, recognition.check_ins_learned, personal=store.personal
    )
    exports = ExportHandlers(store, known, awards, clock)
    return IncentivesHandlers(
        store, known, policies, awards, learner, exports=exports, recognition=recognition
    )


@dataclass
class IncentivesContainer:
    settings: IncentivesSettings
    store: IncentivesStore
    handlers: IncentivesHandlers
    knowledge: KnowledgeStore
    broker: KafkaBroker
    verifier: TokenVerifier
    registry: ContractRegistry
    freshness: KafkaKnowledgeFreshness

    def new_relay(self, name: str = "incentives-relay", batch_size: int = 500) -> OutboxRelay:
        """A relay over this service's event store, publishing to `okr.incentives.v1`."""
        return outbox_relay(
            self.store,
            self.settings,
            "INCENTIVES",
            INCENTIVES_TOPIC,
            published_form=lambda event, _first: to_cloud_event(event, self.registry),
            name=name,
            batch_size=batch_size,
        )

    async def start_consuming(self) -> None:
        """Creates the topics if missing, then learns from `okr.goals.v1`, `okr.reviews.v1` and
        `okr.checkins.v1`; refusals from then on first check that this knowledge has caught up
        with the topics."""
        await start_consuming(
            self.settings, CONSUMED, INCENTIVES_TOPIC, self.freshness, self.broker
        )

    @cached_property
    def audit(self) -> ServiceAudit:
        """The service's audit trail (chain, checkpoints, read log); refuses an unsafe signing
        key outside development."""
        return service_audit(
            self.store,
            self.settings,
            "INCENTIVES",
            "incentives",
            lambda event, _first: to_cloud_event(event, self.registry),
            self.registry,
        )

    def new_chainer(self) -> Chainer:
        """The audit chainer over this service's store, run beside the relay."""
        return self.audit.new_chainer()

    def runtime(self) -> ServiceRuntime:
        """What runs beside the HTTP API: the consumer and the relay."""
        return ServiceRuntime(
            store=self.store,
            kafka=self.settings.kafka,
            topic=self.settings.kafka.topic(INCENTIVES_TOPIC),
            new_relay=self.new_relay,
            new_chainer=self.new_chainer if self.settings.audit.chain_enabled else None,
            broker=self.broker,
            start_consuming=self.start_consuming,
            close=self.knowledge.close,
        )


def knowledge_store(env: dict[str, str]) -> KnowledgeStore:
    """The knowledge table in the service's own PostgreSQL database, or an SQLite file beside its
    store, or else in memory."""
    return open_knowledge(env, "INCENTIVES", TABLE)


def bootstrap(
    settings: IncentivesSettings | None = None,
    clock: Clock | None = None,
    knowledge: KnowledgeStore | None = None,
) -> IncentivesContainer:
    """Builds the incentive service's dependencies from settings."""
    settings = settings or IncentivesSettings()
    require_provisioned("incentives", settings.kafka, settings.event_store, settings.consumer_group)
    registry = default_registry()
    knowledge = knowledge or knowledge_store(settings.event_store)
    positions = AppliedPositions()
    freshness = knowledge_freshness(settings, CONSUMED, positions)
    store = open_application(lambda: IncentivesStore(env=settings.event_store))
    store.personal = PersonalData(open_key_table(settings.event_store, "INCENTIVES"))
    handlers = build_handlers(store, knowledge, clock, freshness)
    broker = build_broker(
        settings.kafka, handlers.learner, registry, settings.consumer_group, positions
    )
    return IncentivesContainer(
        settings,
        store,
        handlers,
        knowledge,
        broker,
        TokenVerifier(settings.auth),
        registry,
        freshness,
    )
