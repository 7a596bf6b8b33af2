"""The rollover command, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RolloverCycle:
    from_cycle_id: str
    to_cycle_id: str
    objective_ids: tuple[str, ...] | None = None
    exclude_key_result_ids: tuple[str, ...] = ()
