"""Settings of the goal service, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from okr_shared.settings import AuthSettings, HttpSettings, KafkaSettings, event_store_env


@dataclass(frozen=True)
class GoalsSettings:
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    event_store: dict[str, str] = field(default_factory=lambda: event_store_env("GOALS"))
    relay_enabled: bool = field(
        default_factory=lambda: os.environ.get("OKR_GOALS_RELAY_ENABLED", "true") == "true"
    )
    relay_poll_seconds: float = field(
        default_factory=lambda: float(os.environ.get("OKR_GOALS_RELAY_POLL", "0.05"))
    )
