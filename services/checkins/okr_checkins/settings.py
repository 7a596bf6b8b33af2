"""Settings of the check-in service, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from okr_shared.settings import AuthSettings, HttpSettings, KafkaSettings, event_store_env


def _flag(name: str, default: str = "true") -> bool:
    return os.environ.get(name, default) == "true"


@dataclass(frozen=True)
class CheckinsSettings:
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    event_store: dict[str, str] = field(default_factory=lambda: event_store_env("CHECKINS"))
    consumer_group: str = field(
        default_factory=lambda: os.environ.get("OKR_CHECKINS_GROUP", "okr-checkins")
    )
    consume: bool = field(default_factory=lambda: _flag("OKR_CHECKINS_CONSUME"))
    relay_enabled: bool = field(default_factory=lambda: _flag("OKR_CHECKINS_RELAY_ENABLED"))
    relay_poll_seconds: float = field(
        default_factory=lambda: float(os.environ.get("OKR_CHECKINS_RELAY_POLL", "0.05"))
    )
    reminders_enabled: bool = field(default_factory=lambda: _flag("OKR_CHECKINS_REMINDERS_ENABLED"))
    reminder_interval_seconds: float = field(
        default_factory=lambda: float(os.environ.get("OKR_CHECKINS_REMINDER_INTERVAL", "60"))
    )
