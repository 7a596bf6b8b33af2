"""The write services' event stores as the CLI reads them: opened by each service's own
`bootstrap` (the same PostgreSQL or SQLite settings the service uses), their notification logs
turned into the CloudEvents the outbox relay publishes (`okr_shared.outbox.relay.published_forms`).

The relay is built only for its store, mapping, topic and publisher: it is never run, so its
recorded position never moves.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from okr_shared.cloudevents import CloudEvent, to_kafka
from okr_shared.consumer import decode
from okr_shared.contracts import ContractRegistry
from okr_shared.outbox import OutboxRelay
from okr_shared.outbox.relay import FirstVersions, Publication, published_forms

SERVICES = ("goals", "checkins", "reviews", "incentives")
"""The write services, in the order their events cause one another's."""


@dataclass
class Source:
    """One write service's event store, its published mapping and its topic (namespaced)."""

    service: str
    relay: OutboxRelay
    container: Any

    @property
    def app(self) -> Any:
        return self.relay.app

    @property
    def topic(self) -> str:
        return self.relay.topic

    @property
    def context(self) -> str:
        """The contracts' context of the service's events (its consumers decode with it)."""
        return self.service

    @property
    def registry(self) -> ContractRegistry:
        return self.container.registry

    def last_position(self) -> int:
        """The id of the newest notification in the log (0 when empty)."""
        return self.app.recorder.max_notification_id() or 0

    def read(
        self, start: int, stop: int | None = None, batch: int = 500
    ) -> Iterator[list[Publication]]:
        """The notifications from position `start` to `stop` (both included) in log order, a
        batch at a time, with their published forms as Kafka carries them: personal values
        opened by the relay's publisher (erased ones as the erased marker)."""
        first = FirstVersions(self.app)
        opened = getattr(self.relay.publisher, "open_event", lambda event: event)
        while stop is None or start <= stop:
            notifications = self.app.recorder.select_notifications(
                start, batch, stop=stop, inclusive_of_start=True
            )
            if not notifications:
                return
            forms = published_forms(self.app, self.relay.published_form, notifications, first)
            yield [replace(f, event=opened(f.event)) if f.event else f for f in forms]
            start = notifications[-1].id + 1

    async def close(self) -> None:
        """Closes the store, the service's knowledge table and the (unstarted) producer."""
        knowledge = getattr(self.container, "knowledge", None)
        if knowledge is not None:
            await asyncio.to_thread(knowledge.close)
        await asyncio.to_thread(self.app.close)
        await self.relay.publisher.stop()


def open_source(service: str) -> Source:
    """The service's store opened with its settings from the environment; called with an event
    loop running (the relay's Kafka producer is made with it)."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}: one of {', '.join(SERVICES)}")
    module = importlib.import_module(f"okr_{service}.bootstrap")
    container = module.bootstrap()
    return Source(service, container.new_relay(), container)


def as_consumed(
    event: CloudEvent, context: str, registry: ContractRegistry
) -> tuple[CloudEvent, dict]:
    """The event and its data as a consumer receives them: through its Kafka record (headers and
    JSON body), decoded, checked against its contract and upcast to the latest version."""
    key, value, headers = to_kafka(event)
    return decode(context, {k: v.decode() for k, v in headers}, value, registry)
