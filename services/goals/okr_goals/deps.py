"""What the goal routes share: the feature handlers as typed dependencies, and the refusal of null
changes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from okr_goals.alignment.handlers import AlignmentHandlers
from okr_goals.bootstrap import GoalFeatures
from okr_goals.cycles.handlers import CycleHandlers
from okr_goals.directory.handlers import DirectoryHandlers
from okr_goals.erasure.handlers import ErasureHandlers
from okr_goals.history.handlers import HistoryHandlers
from okr_goals.objectives.handlers import ObjectiveHandlers
from okr_goals.rollover.handlers import RolloverHandlers
from okr_shared.problems import Problem, field_error


def features(request: Request) -> GoalFeatures:
    """The feature handlers the app's container was built with."""
    return request.app.state.container.features


def objectives(request: Request) -> ObjectiveHandlers:
    return features(request).objectives


def alignment(request: Request) -> AlignmentHandlers:
    return features(request).alignment


def cycles(request: Request) -> CycleHandlers:
    return features(request).cycles


def directory(request: Request) -> DirectoryHandlers:
    return features(request).directory


def erasures(request: Request) -> ErasureHandlers:
    return features(request).erasure


def rollover(request: Request) -> RolloverHandlers:
    return features(request).rollover


def history(request: Request) -> HistoryHandlers:
    return features(request).history


Objectives = Annotated[ObjectiveHandlers, Depends(objectives)]
Alignment = Annotated[AlignmentHandlers, Depends(alignment)]
Cycles = Annotated[CycleHandlers, Depends(cycles)]
Directory = Annotated[DirectoryHandlers, Depends(directory)]
Rollover = Annotated[RolloverHandlers, Depends(rollover)]
History = Annotated[HistoryHandlers, Depends(history)]
Erasures = Annotated[ErasureHandlers, Depends(erasures)]


def reject_nulls(changes: dict[str, Any], nullable: tuple[str, ...] = ()) -> None:
    nulls = [k for k, v in changes.items() if v is None and k not in nullable]
    if nulls:
        raise Problem(
            422,
            "Invalid request",
            "Fields cannot be set to null.",
            kind="validation",
            errors=[field_error(f"#/{k}", "must not be null") for k in nulls],
        )
