"""Objective commands, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class NewKeyResult:
    title: str
    kind: str
    weight: float = 1.0
    owner_id: str | None = None
    unit: str = ""
    start: float | None = None
    target: float | None = None
    currency: str | None = None
    baseline: float | None = None
    lower: float | None = None
    upper: float | None = None


@dataclass(frozen=True)
class CreateObjective:
    title: str
    level: str
    owner_type: str
    owner_id: str
    cycle_id: str
    description: str = ""
    tags: tuple[str, ...] = ()
    visibility: str = "public"
    status: str = "active"
    commitment: str = "aspirational"
    key_results: tuple[NewKeyResult, ...] = ()
    aligned_to: tuple[tuple[str, float], ...] = ()
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Change:
    """What every change to an existing objective carries."""

    objective_id: str
    expected_version: int
    reason: str | None = None
    correction: bool = False


@dataclass(frozen=True)
class ReviseObjective:
    change: Change
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChangeObjectiveStatus:
    change: Change
    status: str


@dataclass(frozen=True)
class AddKeyResult:
    change: Change
    key_result: NewKeyResult


@dataclass(frozen=True)
class ReviseKeyResult:
    change: Change
    key_result_id: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AddInitiative:
    change: Change
    key_result_id: str
    title: str
    owner_id: str
    due_on: date | None = None
    deliverable: str = ""
    status: str = "todo"


@dataclass(frozen=True)
class ReviseInitiative:
    change: Change
    initiative_id: str
    changes: dict[str, Any] = field(default_factory=dict)
