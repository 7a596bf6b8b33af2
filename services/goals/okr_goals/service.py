"""The goal application: every command and query of the goal service on one event store."""

from __future__ import annotations

from okr_goals.cycles.handlers import CycleCommands
from okr_goals.directory.handlers import DirectoryCommands
from okr_goals.history.handlers import TimeTravelQueries
from okr_goals.objectives.handlers import CreateResult


class GoalsApplication(TimeTravelQueries, CycleCommands, DirectoryCommands):
    """Cycles, the organisation directory and objectives, event-sourced: nothing is ever overwritten."""

    name = "goals"


__all__ = ["CreateResult", "GoalsApplication"]
