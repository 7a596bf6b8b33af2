"""Kafka subscribers of the review service: what it learns from `okr.goals.v1` (cycles,
objectives, people, units) and `okr.checkins.v1` (check-ins), into its own knowledge store.

When a cycle is learned to enter grading, the reviews of its objectives are opened at once (an
idempotent command: review ids are uuid5 of tenant, cycle and objective), and so is the review
of an objective learned after its cycle entered grading; a check-in learned after the review
opened recomputes the key result's suggestion (it counts only if recorded before grading
opened). Undecodable events, and events whose
handling keeps failing after a few retries, go to the group's dead-letter topic; the knowledge
store ignores versions it has already seen, so redelivery is harmless. `positions` learns how
far each topic has been applied.

The two topics are consumed concurrently, so one tenant's events are learned one at a time:
otherwise a check-in could be folded while its review is being opened, each side missing the
other, and the suggestion would stay short of it.
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from faststream.kafka import KafkaBroker

from okr_reviews.knowledge.domain import CYCLE_EVENTS, kind_of
from okr_reviews.knowledge.store import KnowledgeStore, apply_event
from okr_shared.cloudevents import CloudEvent
from okr_shared.consumer import AppliedPositions, consumer_broker, subscribe
from okr_shared.contracts import ContractRegistry
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, dead_letter_topic
from okr_shared.settings import KafkaSettings

OpenReviews = Callable[[str, str, dict[str, Any]], Any]
OpenReviewOf = Callable[[str, str, dict[str, Any]], Any]
RefreshSuggestion = Callable[[str, str, str, dict[str, Any]], Any]


class Learner:
    """Folds an event into the knowledge, then opens the reviews it makes due."""

    def __init__(
        self,
        knowledge: KnowledgeStore,
        open_reviews: OpenReviews,
        open_review_of: OpenReviewOf,
        refresh_suggestion: RefreshSuggestion,
    ) -> None:
        self.knowledge = knowledge
        self.open_reviews = open_reviews
        self.open_review_of = open_review_of
        self.refresh_suggestion = refresh_suggestion
        self._guard = threading.Lock()
        self._tenants: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    def tenant_lock(self, tenant_id: str) -> threading.Lock:
        """The lock one tenant's events are learned under."""
        with self._guard:
            return self._tenants[tenant_id]

    def learn(self, event: CloudEvent, data: dict[str, Any]) -> None:
        """Blocking: applies one event (a duplicate changes nothing) and opens due reviews, one
        event of a tenant at a time."""
        with self.tenant_lock(event.tenantid):
            self._learn(event, data)

    def _learn(self, event: CloudEvent, data: dict[str, Any]) -> None:
        tenant = event.tenantid
        doc = apply_event(
            self.knowledge, tenant, event.schema_name, data, event.sequence, event.time
        )
        meta = {
            "tenant_id": tenant,
            "actor_id": event.actorid,
            "correlation_id": event.correlationid,
            "causation_id": event.id,
            "traceparent": event.traceparent,
        }
        if CYCLE_EVENTS.get(event.schema_name) == "grading":
            self.open_reviews(tenant, data["cycle_id"], meta)
        elif doc is not None and kind_of(event.schema_name) == "check_in_log":
            self.refresh_suggestion(tenant, data["objective_id"], data["key_result_id"], meta)
        elif doc is not None and kind_of(event.schema_name) == "objective":
            cycle = self.knowledge.load(tenant, "cycle", doc["cycle_id"])[1]
            if cycle is not None and cycle["state"] == "grading":
                self.open_review_of(tenant, doc["objective_id"], meta)


def build_broker(
    kafka: KafkaSettings,
    learner: Learner,
    registry: ContractRegistry,
    group_id: str,
    positions: AppliedPositions | None = None,
    retry_backoff_seconds: float = 0.2,
    retry_attempts: int = 4,
) -> KafkaBroker:
    """A broker whose subscribers fold goal and check-in events into the knowledge store."""
    broker = consumer_broker(kafka, group_id)

    async def learn(event: CloudEvent, data: dict[str, Any]) -> None:
        await asyncio.to_thread(learner.learn, event, data)

    for topic, context in ((GOALS_TOPIC, "goals"), (CHECKINS_TOPIC, "checkins")):
        subscribe(
            broker,
            kafka.topic(topic),
            group_id=group_id,
            context=context,
            registry=registry,
            handle=learn,
            dead_letters=kafka.topic(dead_letter_topic(group_id)),
            positions=positions,
            retry_backoff_seconds=retry_backoff_seconds,
            retry_attempts=retry_attempts,
        )
    return broker
