"""The outbox relay: publishes the event store's notification log to Kafka, then records its position.

The position is recorded only after Kafka acknowledged the batch, so a crash in between
publishes the batch again (at-least-once; consumers dedup by aggregate version).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Tracking, TrackingRecorder

from eventsourcing.application import Application

from okr_shared.cloudevents import CloudEvent
from okr_shared.messaging import CloudEventPublisher
from okr_shared.outbox.leader_lock import LeaderLock

log = logging.getLogger(__name__)

PublishedForm = Callable[[Any, Callable[[Any], Any]], CloudEvent | None]
"""Maps a stored domain event to its published CloudEvent (None for internal events); the second
argument looks up the aggregate's first version, for events that do not carry their business key."""


class OutboxRelay:
    """Polls the notification log and publishes new events in order, while holding the leader lock."""

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
        self.published = 0
        self._keys: dict[Any, Any] = {}

    def position(self) -> int:
        """The id of the last notification known to be published."""
        return self.tracking.max_tracking_id(self.name) or 0

    async def relay_once(self) -> int:
        """Publishes the next batch; returns how many notifications it covered."""
        position = await asyncio.to_thread(self.position)
        notifications = await asyncio.to_thread(
            self.app.recorder.select_notifications, position, self.batch_size, inclusive_of_start=False
        )
        if not notifications:
            return 0
        events = await asyncio.to_thread(self._published_forms, notifications)
        await self.publisher.publish(self.topic, events)
        await asyncio.to_thread(self.tracking.insert_tracking, Tracking(self.name, notifications[-1].id))
        self.published += len(events)
        return len(notifications)

    def _published_forms(self, notifications: list) -> list:
        forms = (self.published_form(self.app.mapper.to_domain_event(n), self._first_state) for n in notifications)
        return [form for form in forms if form is not None]

    def _first_state(self, domain_event: Any) -> Any:
        """The aggregate at version 1, which names its business key (cached: keys never change)."""
        key = domain_event.originator_id
        if key not in self._keys:
            if len(self._keys) > 10_000:
                self._keys.clear()
            self._keys[key] = self.app.repository.get(key, version=1)
        return self._keys[key]

    async def run(self, stop: asyncio.Event) -> None:
        """Relays until `stop` is set; waits for the leader lock and retries after failures."""
        try:
            while not stop.is_set():
                if not await asyncio.to_thread(self.lock.try_acquire):
                    await _sleep_or_stop(stop, 1.0)
                    continue
                try:
                    covered = await self.relay_once()
                except Exception:
                    log.exception("outbox relay failed; retrying")
                    await _sleep_or_stop(stop, 1.0)
                    continue
                if covered < self.batch_size:
                    await _sleep_or_stop(stop, self.poll_interval)
        finally:
            await asyncio.to_thread(self.lock.release)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
