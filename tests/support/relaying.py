"""Publishing what a service has stored, by running its own outbox relay to the end."""

from __future__ import annotations

import uuid
from typing import Any


async def relay_all(container: Any, name: str | None = None) -> None:
    """Publishes everything the service's event store holds through a relay of its own."""
    relay = container.new_relay(name=name or f"relay-{uuid.uuid4().hex[:6]}")
    await relay.publisher.start()
    try:
        while await relay.relay_once():
            pass
    finally:
        await relay.publisher.stop()
