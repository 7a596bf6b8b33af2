"""The port through which the application asks whether its goal knowledge may be behind."""

from __future__ import annotations

from typing import Protocol


class KnowledgeFreshness(Protocol):
    """Whether everything published on `okr.goals.v1` so far has been learned."""

    def is_current(self) -> bool:
        """True when the knowledge is known to be up to date; False when it may be behind."""
        ...


class AlwaysCurrent:
    """For a process whose knowledge is not fed from Kafka (tests, tools): nothing to wait for."""

    def is_current(self) -> bool:
        return True
