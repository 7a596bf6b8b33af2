"""Composition root of the projections service."""

from __future__ import annotations

from dataclasses import dataclass

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from okr_projections.check_ins.store import CheckInStore
from okr_projections.consumer import build_broker
from okr_projections.cycles.store import CycleStore
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.due.store import DueStore
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.projector import Projector
from okr_projections.queries import ReadQueries
from okr_projections.settings import ProjectionsSettings
from okr_projections.store import WritePolicy, conditional_writes_work
from okr_shared.contracts import default_registry
from okr_shared.identity import TokenVerifier
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, dead_letter_topic, ensure_topics


@dataclass
class ProjectionsContainer:
    settings: ProjectionsSettings
    mongo: AsyncMongoClient
    store: ObjectiveStore
    broker: KafkaBroker
    verifier: TokenVerifier
    projector: Projector
    queries: ReadQueries
    policy: WritePolicy

    async def ensure_indexes(self) -> None:
        """Creates the indexes of every read model (idempotent) and fits the write guards to the store."""
        self.policy.conditional = await conditional_writes_work(self.mongo)
        projector = self.projector
        for store in (
            projector.objectives,
            projector.org_units,
            projector.people,
            projector.cycles,
            projector.check_ins,
            projector.due,
        ):
            if store is not None:
                await store.ensure_indexes()

    async def start_consuming(self) -> None:
        """Creates the consumed and dead-letter topics if missing, then starts the subscribers."""
        kafka = self.settings.kafka
        await ensure_topics(
            kafka,
            [
                kafka.topic(GOALS_TOPIC),
                kafka.topic(CHECKINS_TOPIC),
                kafka.topic(dead_letter_topic(self.settings.consumer_group)),
            ],
        )
        await self.broker.start()


def bootstrap(settings: ProjectionsSettings | None = None) -> ProjectionsContainer:
    """Builds the projections service's dependencies (one Mongo client, one broker)."""
    settings = settings or ProjectionsSettings()
    mongo: AsyncMongoClient = AsyncMongoClient(
        settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=10000
    )
    policy = WritePolicy()
    db = settings.database
    stores = (
        ObjectiveStore(mongo, db, policy=policy),
        OrgUnitStore(mongo, db, policy=policy),
        PeopleStore(mongo, db, policy=policy),
        CycleStore(mongo, db, policy=policy),
    )
    due = DueStore(mongo, db)
    projector = Projector(*stores, check_ins=CheckInStore(mongo, db, policy=policy), due=due)
    broker = build_broker(settings.kafka, projector, default_registry(), settings.consumer_group)
    return ProjectionsContainer(
        settings,
        mongo,
        stores[0],
        broker,
        TokenVerifier(settings.auth),
        projector,
        ReadQueries(*stores, due=due),
        policy,
    )
