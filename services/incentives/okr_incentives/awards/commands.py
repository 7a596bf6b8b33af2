"""Commands of awards, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BindPolicy:
    """Binds a version of a reward policy to a cycle whose review is finalised."""

    cycle_id: str
    policy_id: str
    policy_version: int
    reason: str


@dataclass(frozen=True)
class Simulate:
    """A dry run: what a policy version (the current one when None) would award in a cycle."""

    policy_id: str
    cycle_id: str
    policy_version: int | None = None
