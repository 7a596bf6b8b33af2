"""The publisher every relay of a write service sends through: it opens the sealed values of
each event's data, so Kafka carries the text (or, once the person is erased, the erased marker)
while the stored events keep their sealed strings."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import Any

from okr_shared.cloudevents import CloudEvent
from okr_shared.personal.sealing import PersonalData


class OpeningPublisher:
    """Wraps a `CloudEventPublisher`: `publish` opens each event's data first; the rest passes
    through."""

    def __init__(self, publisher: Any, personal: PersonalData) -> None:
        self.inner = publisher
        self.personal = personal

    async def start(self) -> None:
        await self.inner.start()

    async def stop(self) -> None:
        await self.inner.stop()

    def open_event(self, event: CloudEvent) -> CloudEvent:
        """The event with its data's sealed values opened."""
        return dataclasses.replace(event, data=self.personal.opened(event.data))

    async def publish(self, topic: str, events: Sequence[CloudEvent]) -> None:
        opened = await asyncio.to_thread(lambda: [self.open_event(e) for e in events])
        await self.inner.publish(topic, opened)

    async def send_raw(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        await self.inner.send_raw(topic, key, value, headers)


def opening_publisher(publisher: Any, store: Any) -> Any:
    """The publisher opening with the store's personal data keys (as it is when the store has
    none)."""
    personal = getattr(store, "personal", None)
    if personal is None or isinstance(publisher, OpeningPublisher):
        return publisher
    return OpeningPublisher(publisher, personal)
