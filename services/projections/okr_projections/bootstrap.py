"""Composition root of the projections service."""

from __future__ import annotations

from dataclasses import dataclass

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from okr_shared.contracts import default_registry
from okr_shared.identity import TokenVerifier
from okr_shared.messaging import GOALS_TOPIC, dead_letter_topic, ensure_topics

from okr_projections.adapters.progress_store import ProgressStore
from okr_projections.entrypoints.consumer import build_broker
from okr_projections.settings import ProjectionsSettings


@dataclass
class ProjectionsContainer:
    settings: ProjectionsSettings
    mongo: AsyncMongoClient
    store: ProgressStore
    broker: KafkaBroker
    verifier: TokenVerifier

    async def start_consuming(self) -> None:
        """Creates the consumed and dead-letter topics if missing, then starts the subscriber."""
        await ensure_topics(self.settings.kafka, [GOALS_TOPIC, dead_letter_topic(self.settings.consumer_group)])
        await self.broker.start()


def bootstrap(settings: ProjectionsSettings | None = None) -> ProjectionsContainer:
    """Builds the projections service's dependencies (one Mongo client, one broker)."""
    settings = settings or ProjectionsSettings()
    mongo: AsyncMongoClient = AsyncMongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=10000)
    store = ProgressStore(mongo, settings.database)
    broker = build_broker(settings.kafka.bootstrap_servers, store, default_registry(), settings.consumer_group)
    return ProjectionsContainer(settings, mongo, store, broker, TokenVerifier(settings.auth))
