"""Settings of the incentive service, from the environment."""

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


class IncentivesSettings(EnvSettings):
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    event_store: dict[str, str] = Field(default_factory=lambda: event_store_env("INCENTIVES"))
    consumer_group: str = env("OKR_INCENTIVES_GROUP", "okr-incentives")
    consume: Flag = env("OKR_INCENTIVES_CONSUME", True)
    relay_enabled: Flag = env("OKR_INCENTIVES_RELAY_ENABLED", True)
    relay_poll_seconds: float = env("OKR_INCENTIVES_RELAY_POLL", 0.05)
