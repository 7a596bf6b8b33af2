"""The outbox relay: publishes the event store's notification log to Kafka, then records where.

The position is recorded only after Kafka acknowledged the batch, so a crash in between
publishes the batch again (at-least-once; consumers dedup by aggregate version).

An event that can never be published (it cannot be turned into its published form, or Kafka
refuses its record for good) is quarantined: a dead-letter record names it and the reason, and
the relay goes on with the events after it. Nothing else advances the position: while Kafka or
the store is unreachable the relay retries the same batch, pausing longer after each failure.

Leadership is a lease (`leader_lock`): the relay renews it by asking `still_held` before every
batch and every second of a back-off, and asks again immediately before each Kafka publish, so
a leader that was paused past its lease (and replaced) publishes nothing when it wakes: the
batch stops unrecorded and the relay goes back to waiting for the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiokafka.errors import (
    CorruptRecordException,
    InvalidTimestampError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import Tracking, TrackingRecorder

from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import ContractViolation
from okr_shared.contracts.guard import PublishedForm
from okr_shared.messaging import CloudEventPublisher, dead_letter_topic
from okr_shared.metrics import RELAY_LEADER, RELAY_PUBLISH_FAILURES, dead_lettered, watch_relay
from okr_shared.outbox.leader_lock import LeaderLock, wait_holding

log = logging.getLogger(__name__)

REFUSED_FOR_GOOD = (
    CorruptRecordException,
    InvalidTimestampError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
"""Kafka errors about one record that no retry can mend."""

__all__ = [
    "REFUSED_FOR_GOOD",
    "FirstVersions",
    "LeadershipLost",
    "OutboxRelay",
    "Publication",
    "PublishedForm",
    "published_forms",
]


class LeadershipLost(Exception):
    """The leader lock was lost before a publish: the batch stopped, its rest unpublished."""


class _LookupFailed(Exception):
    """Reading an aggregate's first version failed: the store, not the event, is at fault."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass
class Publication:
    """One notification and its published form (None for an internal event), or why it has
    none."""

    notification: Any
    event: CloudEvent | None = None
    failure: str | None = None


class FirstVersions:
    """An application's aggregates at version 1, which name their business keys (cached: keys
    never change); a failing read raises the store's error, not the event's."""

    def __init__(self, app: Application, limit: int = 10_000) -> None:
        self.app = app
        self.limit = limit
        self._keys: dict[Any, Any] = {}

    def __call__(self, domain_event: Any) -> Any:
        key = domain_event.originator_id
        if key not in self._keys:
            if len(self._keys) > self.limit:
                self._keys.clear()
            try:
                self._keys[key] = self.app.repository.get(key, version=1)
            except AggregateNotFoundError:
                raise
            except Exception as exc:
                raise _LookupFailed(exc) from exc
        return self._keys[key]


def published_forms(
    app: Application,
    published_form: PublishedForm,
    notifications: list,
    first: FirstVersions | None = None,
) -> list[Publication]:
    """The published form of each notification, in order, as the relay publishes it; an event
    that has none is named with the reason. Raises the store's error when a lookup fails."""
    first = first or FirstVersions(app)
    items = []
    for notification in notifications:
        try:
            domain_event = app.mapper.to_domain_event(notification)
            event = published_form(domain_event, first)
            items.append(Publication(notification, event=event))
        except _LookupFailed as exc:
            raise exc.cause from None
        except ContractViolation as exc:
            items.append(Publication(notification, failure=f"contract violation: {exc.reason}"))
        except Exception as exc:
            failure = f"no published form: {type(exc).__name__}: {exc}"
            items.append(Publication(notification, failure=failure))
    return items


class OutboxRelay:
    """Polls the notification log and publishes new events in order, while holding the leader lock.

    `dead_letters` names the quarantine topic (`okr.deadletter.<name>.v1` by default); when given,
    `ensure_topics` creates it before the first dead letter.
    """

    def __init__(
        self,
        app: Application,
        tracking: TrackingRecorder,
        publisher: CloudEventPublisher,
        lock: LeaderLock,
        published_form: PublishedForm,
        topic: str,
        name: str = "goals-relay",
        batch_size: int = 500,
        poll_interval: float = 0.1,
        dead_letters: str | None = None,
        ensure_topics: Callable[[list[str]], Awaitable[None]] | None = None,
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 30.0,
    ) -> None:
        self.app = app
        self.tracking = tracking
        self.publisher = publisher
        self.lock = lock
        self.published_form = published_form
        self.topic = topic
        self.name = name
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.dead_letters = dead_letters or dead_letter_topic(name)
        self._ensure_topics = ensure_topics
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.published = 0
        self.dead_lettered = 0
        self._first = FirstVersions(app)
        watch_relay(self)

    def position(self) -> int:
        """The id of the last notification known to be published."""
        return self.tracking.max_tracking_id(self.name) or 0

    def backlog(self) -> int:
        """How many stored events are not published yet (the metric `okr_relay_backlog_events`)."""
        last = self.app.recorder.max_notification_id() or 0
        return max(0, last - self.position())

    async def relay_once(self, leading: Callable[[], bool] | None = None) -> int:
        """Publishes the next batch; returns how many notifications it covered. With `leading`
        (`run` passes the lock's `still_held`) it is asked immediately before each publish, and
        raises `LeadershipLost` when it answers False; the position then stays where it was
        recorded last."""
        position = await asyncio.to_thread(self.position)
        notifications = await asyncio.to_thread(
            self.app.recorder.select_notifications,
            position,
            self.batch_size,
            inclusive_of_start=False,
        )
        if not notifications:
            return 0
        items = await asyncio.to_thread(
            published_forms, self.app, self.published_form, notifications, self._first
        )
        recorded = position
        run: list[Publication] = []
        for item in items:
            if item.failure is None:
                run.append(item)
                continue
            await self._publish(run, leading)
            run = []
            await self._quarantine(item, item.failure, leading)
            recorded = await self._record(item.notification.id)
        await self._publish(run, leading)
        if notifications[-1].id != recorded:
            await self._record(notifications[-1].id)
        return len(notifications)

    async def _confirm(self, leading: Callable[[], bool] | None) -> None:
        if leading is not None and not await asyncio.to_thread(leading):
            raise LeadershipLost(f"outbox relay {self.name} no longer holds its leader lock")

    async def _publish(self, run: list[Publication], leading: Callable[[], bool] | None) -> None:
        """Publishes the run's events in order; a record Kafka refuses for good is quarantined."""
        events = [item for item in run if item.event is not None]
        if not events:
            return
        await self._confirm(leading)
        try:
            await self.publisher.publish(self.topic, [item.event for item in events])
            self.published += len(events)
            return
        except REFUSED_FOR_GOOD:
            pass
        for item in events:
            await self._confirm(leading)
            try:
                await self.publisher.publish(self.topic, [item.event])
                self.published += 1
            except REFUSED_FOR_GOOD as exc:
                reason = f"refused by Kafka: {type(exc).__name__}: {exc}"
                await self._quarantine(item, reason, leading)

    async def _quarantine(
        self, item: Publication, reason: str, leading: Callable[[], bool] | None = None
    ) -> None:
        """Publishes a dead-letter record naming the stored event and why it cannot be published."""
        n = item.notification
        reason = reason[:1000]
        facts = {
            "dlq_reason": reason,
            "dlq_relay": self.name,
            "dlq_source_topic": self.topic,
            "dlq_notification_id": str(n.id),
            "dlq_originator_id": str(n.originator_id),
            "dlq_originator_version": str(n.originator_version),
            "dlq_event_topic": str(n.topic),
        }
        value = json.dumps({key.removeprefix("dlq_"): v for key, v in facts.items()}).encode()
        headers = [(key, v.encode()) for key, v in facts.items()]
        if self._ensure_topics is not None:
            await self._ensure_topics([self.dead_letters])
            self._ensure_topics = None
        key = str(n.originator_id).encode()
        await self._confirm(leading)
        await self.publisher.send_raw(self.dead_letters, key, value, headers)
        self.dead_lettered += 1
        dead_lettered(self.name, reason)
        log.warning(
            "outbox relay %s dead-lettered notification %s (%s v%s) to %s: %s",
            self.name,
            n.id,
            n.originator_id,
            n.originator_version,
            self.dead_letters,
            reason,
        )

    async def _record(self, notification_id: int) -> int:
        await asyncio.to_thread(self.tracking.insert_tracking, Tracking(self.name, notification_id))
        return notification_id

    def retry_delay(self, failures: int) -> float:
        """The pause after `failures` failures in a row: doubling from `retry_seconds`, bounded."""
        return min(self.max_retry_seconds, self.retry_seconds * 2 ** max(0, min(failures - 1, 30)))

    async def run(self, stop: asyncio.Event) -> None:
        """Relays until `stop` is set; waits for the leader lock and retries after failures,
        keeping the lock's lease through the back-off."""
        failures = 0
        led: bool | None = None
        try:
            while not stop.is_set():
                leading = await asyncio.to_thread(self.lock.try_acquire)
                RELAY_LEADER.labels(relay=self.name).set(int(leading))
                if leading != led:
                    log.info("outbox relay %s %s", self.name, "leads" if leading else "waits")
                    led = leading
                if not leading:
                    await _sleep_or_stop(stop, 1.0)
                    continue
                try:
                    covered = await self.relay_once(self.lock.still_held)
                except LeadershipLost as lost:
                    RELAY_LEADER.labels(relay=self.name).set(0)
                    log.warning("%s; the batch stopped before publishing", lost)
                    continue
                except Exception:
                    failures += 1
                    RELAY_PUBLISH_FAILURES.labels(relay=self.name).inc()
                    delay = self.retry_delay(failures)
                    log.exception(
                        "outbox relay %s failed (%s in a row); retrying in %.1fs",
                        self.name,
                        failures,
                        delay,
                    )
                    await wait_holding(self.lock, stop, delay)
                    continue
                failures = 0
                if covered < self.batch_size:
                    await _sleep_or_stop(stop, self.poll_interval)
        finally:
            RELAY_LEADER.labels(relay=self.name).set(0)
            await asyncio.to_thread(self.lock.release)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
