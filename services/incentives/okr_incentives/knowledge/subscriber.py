"""Kafka subscribers of the incentive service: what it learns from `okr.goals.v1` (the
directory, cycles, objectives), `okr.reviews.v1` (finalised reviews and admins' corrections) and
`okr.checkins.v1` (check-ins and the periods they were due for), into its own knowledge store.
After a check-in fact, recognition brings the streak badges of the key result's owners up to date
(idempotent as well).

After a review event it needs (`ReviewFinalised`, a `KeyResultScored` correction) the awards of
the review's cycle are brought up to date: an idempotent command, called again on every delivery
(so an award missed because the service stopped between learning and recording is recorded on
redelivery), that records nothing for an event the awards already stand on. Other review events
are ignored, not dead-lettered. Undecodable events, and events whose handling keeps failing after
a few retries, go to the group's dead-letter topic; the knowledge store ignores versions it has
already seen, so redelivery is harmless. `positions` learns how far each topic has been applied.
One tenant's events are learned one at a time (the two topics are consumed concurrently).
"""

from __future__ import annotations

import asyncio
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from faststream.kafka import KafkaBroker

from okr_incentives.knowledge.domain import evidence_of, kind_of
from okr_incentives.knowledge.store import KnowledgeStore, apply_event
from okr_shared.cloudevents import CloudEvent
from okr_shared.consumer import AppliedPositions, consumer_broker, subscribe
from okr_shared.contracts import ContractRegistry
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, REVIEWS_TOPIC, dead_letter_topic
from okr_shared.personal import PersonalData, erase_on
from okr_shared.settings import KafkaSettings

ReviewLearned = Callable[[str, str, dict[str, Any], str, dict[str, Any]], Any]
"""(tenant, cycle id, the event's evidence, its reason, meta): brings the cycle's awards up to
date after a review event."""
CheckInsLearned = Callable[[str, str, dict[str, Any]], Any]
"""(tenant, key result id, meta): brings the streak badges of the key result's owners up to date
after a check-in or a due period was learned."""
CHECK_IN_FACTS = frozenset({"check_in_log", "reminders"})


class Learner:
    """Folds an event into the knowledge, then lets the awards follow a review event."""

    def __init__(
        self,
        knowledge: KnowledgeStore,
        review_learned: ReviewLearned,
        check_ins_learned: CheckInsLearned | None = None,
        personal: PersonalData | None = None,
    ) -> None:
        self.knowledge = knowledge
        self.personal = personal
        self.review_learned = review_learned
        self.check_ins_learned = check_ins_learned
        self._guard = threading.Lock()
        self._tenants: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)

    def tenant_lock(self, tenant_id: str) -> threading.Lock:
        with self._guard:
            return self._tenants[tenant_id]

    def learn(self, event: CloudEvent, data: dict[str, Any]) -> None:
        """Blocking: applies one event (a duplicate changes nothing), one event of a tenant at a
        time."""
        with self.tenant_lock(event.tenantid):
            erase_on(self.personal, event.schema_name, event.tenantid, data)
            apply_event(self.knowledge, event, data)
            kind = kind_of(event.schema_context, event.schema_name, data)
            meta = {
                "tenant_id": event.tenantid,
                "actor_id": event.actorid,
                "correlation_id": event.correlationid,
                "causation_id": event.id,
                "traceparent": event.traceparent,
            }
            if kind in CHECK_IN_FACTS and self.check_ins_learned is not None:
                self.check_ins_learned(event.tenantid, data["key_result_id"], meta)
            if kind != "review":
                return
            evidence = evidence_of(event.id, event.type, event.sequence, data["review_id"])
            reason = data.get("reason") or "review finalised"
            self.review_learned(event.tenantid, data["cycle_id"], evidence, reason, meta)


def build_broker(
    kafka: KafkaSettings,
    learner: Learner,
    registry: ContractRegistry,
    group_id: str,
    positions: AppliedPositions | None = None,
    retry_backoff_seconds: float = 0.2,
    retry_attempts: int = 4,
) -> KafkaBroker:
    """A broker whose subscribers fold goal, review and check-in events into the knowledge
    store."""
    broker = consumer_broker(kafka, group_id)

    async def learn(event: CloudEvent, data: dict[str, Any]) -> None:
        await asyncio.to_thread(learner.learn, event, data)

    for topic, context in (
        (GOALS_TOPIC, "goals"),
        (REVIEWS_TOPIC, "reviews"),
        (CHECKINS_TOPIC, "checkins"),
    ):
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
