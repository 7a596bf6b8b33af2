"""Settings of the check-in service, from the environment."""

from __future__ import annotations

from pydantic import Field

from okr_shared.audit.settings import AuditSettings
from okr_shared.settings import (
    AuthSettings,
    EnvSettings,
    Flag,
    HttpSettings,
    KafkaSettings,
    env,
    event_store_env,
)


class CheckinsSettings(EnvSettings):
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    event_store: dict[str, str] = Field(default_factory=lambda: event_store_env("CHECKINS"))
    consumer_group: str = env("OKR_CHECKINS_GROUP", "okr-checkins")
    consume: Flag = env("OKR_CHECKINS_CONSUME", True)
    relay_enabled: Flag = env("OKR_CHECKINS_RELAY_ENABLED", True)
    relay_poll_seconds: float = env("OKR_CHECKINS_RELAY_POLL", 0.05)
    reminders_enabled: Flag = env("OKR_CHECKINS_REMINDERS_ENABLED", True)
    reminder_interval_seconds: float = env("OKR_CHECKINS_REMINDER_INTERVAL", 60.0)
