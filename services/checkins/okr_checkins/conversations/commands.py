"""Commands of one-to-one conversations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StartConversation:
    person_id: str
    topic: str
    manager_id: str | None = None
