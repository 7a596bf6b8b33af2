"""Commands of the goal service, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NewKeyResult:
    title: str
    start: float
    target: float
    unit: str
    weight: float


@dataclass(frozen=True)
class CreateObjective:
    title: str
    description: str
    owner_id: str
    level: str
    cycle_id: str
    key_results: tuple[NewKeyResult, ...] = ()
    idempotency_key: str | None = None


@dataclass(frozen=True)
class AddKeyResult:
    objective_id: str
    expected_version: int
    key_result: NewKeyResult


@dataclass(frozen=True)
class ReviseObjective:
    objective_id: str
    expected_version: int
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class ReviseKeyResult:
    objective_id: str
    key_result_id: str
    expected_version: int
    changes: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
