"""Settings of the goal service, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from okr_shared.settings import AuthSettings, HttpSettings, KafkaSettings


def event_store_env() -> dict[str, str]:
    """eventsourcing's persistence settings: `GOALS_`-prefixed or plain, SQLite file by default."""
    env = {k: v for k, v in os.environ.items() if k.startswith(("GOALS_", "PERSISTENCE_", "POSTGRES_", "SQLITE_"))}
    if not (env.get("GOALS_PERSISTENCE_MODULE") or env.get("PERSISTENCE_MODULE")):
        path = os.environ.get("OKR_GOALS_SQLITE_PATH", os.path.join(".state", "goals-events.sqlite"))
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        env.update({"GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite", "GOALS_SQLITE_DBNAME": path})
    return env


@dataclass(frozen=True)
class GoalsSettings:
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    event_store: dict[str, str] = field(default_factory=event_store_env)
    relay_enabled: bool = field(default_factory=lambda: os.environ.get("OKR_GOALS_RELAY_ENABLED", "true") == "true")
    relay_poll_seconds: float = field(default_factory=lambda: float(os.environ.get("OKR_GOALS_RELAY_POLL", "0.05")))
