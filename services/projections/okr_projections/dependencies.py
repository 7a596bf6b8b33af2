"""Typed dependencies of the routers: each feature's queries, from the app's container."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from okr_projections.ambition.queries import AmbitionQueries
from okr_projections.cycles.queries import CycleQueries
from okr_projections.directory.queries import DirectoryQueries
from okr_projections.due.queries import DueQueries
from okr_projections.grading_due.queries import GradingDueQueries
from okr_projections.objectives.queries import ObjectiveQueries
from okr_projections.reviews.queries import GradingQueries
from okr_projections.rewards.queries import RewardQueries


def objective_queries(request: Request) -> ObjectiveQueries:
    """The objective queries of the app's container."""
    return request.app.state.container.queries.objectives


def directory_queries(request: Request) -> DirectoryQueries:
    """The directory queries of the app's container."""
    return request.app.state.container.queries.directory


def cycle_queries(request: Request) -> CycleQueries:
    """The cycle queries of the app's container."""
    return request.app.state.container.queries.cycles


def due_queries(request: Request) -> DueQueries:
    """The check-ins due queries of the app's container."""
    return request.app.state.container.queries.due


def grading_queries(request: Request) -> GradingQueries:
    """The grading queries of the app's container."""
    return request.app.state.container.queries.reviews


def ambition_queries(request: Request) -> AmbitionQueries:
    """The ambition queries of the app's container."""
    return request.app.state.container.queries.ambition


def grading_due_queries(request: Request) -> GradingDueQueries:
    """The open grading queries of the app's container."""
    return request.app.state.container.queries.grading_due


def reward_queries(request: Request) -> RewardQueries:
    """The rewards, budgets and fairness queries of the app's container."""
    return request.app.state.container.queries.rewards


ObjectivesAsked = Annotated[ObjectiveQueries, Depends(objective_queries)]
DirectoryAsked = Annotated[DirectoryQueries, Depends(directory_queries)]
CyclesAsked = Annotated[CycleQueries, Depends(cycle_queries)]
DueAsked = Annotated[DueQueries, Depends(due_queries)]
GradingAsked = Annotated[GradingQueries, Depends(grading_queries)]
AmbitionAsked = Annotated[AmbitionQueries, Depends(ambition_queries)]
GradingDueAsked = Annotated[GradingDueQueries, Depends(grading_due_queries)]
RewardsAsked = Annotated[RewardQueries, Depends(reward_queries)]
