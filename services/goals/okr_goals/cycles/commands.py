"""Cycle commands, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PlanCycle:
    cycle_id: str
    name: str
    cadence: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class AdvanceCycle:
    cycle_id: str
    state: str
    reason: str | None = None
