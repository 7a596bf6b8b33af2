"""The published contracts of the cycle events."""

from __future__ import annotations

from okr_goals.cycles.domain import Cycle
from okr_goals.mapping import Mapper, pick

MAPPERS: dict[type, tuple[str, str, Mapper]] = {
    Cycle.Planned: ("CyclePlanned", "cycle", pick("name", "cadence", "starts_on", "ends_on")),
    Cycle.Activated: ("CycleActivated", "cycle", pick("previous_state", "reason")),
    Cycle.GradingStarted: ("CycleGradingStarted", "cycle", pick("previous_state", "reason")),
    Cycle.Closed: ("CycleClosed", "cycle", pick("previous_state", "reason")),
}
