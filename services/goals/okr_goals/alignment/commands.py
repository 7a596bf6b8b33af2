"""Alignment commands, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass

from okr_goals.objectives.commands import Change


@dataclass(frozen=True)
class Align:
    change: Change
    parent_objective_id: str
    weight: float = 1.0
    note: str | None = None


@dataclass(frozen=True)
class RemoveAlignment:
    change: Change
    parent_objective_id: str


@dataclass(frozen=True)
class DecideProposal:
    change: Change
    proposal_id: str
    accept: bool
