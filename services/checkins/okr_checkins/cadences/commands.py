"""Commands of cadences."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SetCadence:
    cadence: str
    org_unit_id: str | None = None
    reason: str | None = None
