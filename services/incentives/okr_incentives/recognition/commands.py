"""Commands of recognition, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SetRecognitionSettings:
    settings: dict[str, Any]
    reason: str | None = None


@dataclass(frozen=True)
class GiveKudos:
    """Kudos on an objective, or on one of its key results; `kudos_id` makes a retry safe."""

    objective_id: str
    message: str
    key_result_id: str | None = None
    recipient_id: str | None = None
    points: int = 1
    kudos_id: str | None = None


@dataclass(frozen=True)
class Nominate:
    """A person or a team (`nominee_type`) nominated for an honour in a cycle."""

    cycle_id: str
    nominee_type: str
    nominee_id: str
    honour: str
    citation: str
    nomination_id: str | None = None


@dataclass(frozen=True)
class Decide:
    """Approves (or declines) a nomination, with a reason."""

    nomination_id: str
    approve: bool
    reason: str
