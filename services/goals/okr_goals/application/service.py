"""The goal application: every command and query of the goal service on one event store."""

from __future__ import annotations

from okr_goals.application.cycles import CycleCommands
from okr_goals.application.directory import DirectoryCommands
from okr_goals.application.objectives import CreateResult
from okr_goals.application.time_travel import TimeTravelQueries


class GoalsApplication(TimeTravelQueries, CycleCommands, DirectoryCommands):
    """Cycles, the organisation directory and objectives, event-sourced: nothing is ever overwritten."""

    name = "goals"


__all__ = ["CreateResult", "GoalsApplication"]
