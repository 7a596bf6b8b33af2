"""The goal service's store and feature handlers over an in-memory (or any given) event store."""

from __future__ import annotations

from typing import Any

from okr_goals.bootstrap import GoalFeatures, compose
from okr_goals.store import GoalsStore

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def goal_features(env: dict[str, str] | None = None, **store_options: Any) -> GoalFeatures:
    """The feature handlers composed as `bootstrap` does, over a store built with `env`."""
    return compose(GoalsStore(env=POPO if env is None else env, **store_options))
