"""Settings of the review service, from the environment."""

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


class ReviewsSettings(EnvSettings):
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    event_store: dict[str, str] = Field(default_factory=lambda: event_store_env("REVIEWS"))
    consumer_group: str = env("OKR_REVIEWS_GROUP", "okr-reviews")
    consume: Flag = env("OKR_REVIEWS_CONSUME", True)
    relay_enabled: Flag = env("OKR_REVIEWS_RELAY_ENABLED", True)
    relay_poll_seconds: float = env("OKR_REVIEWS_RELAY_POLL", 0.05)
    grading_reminders_enabled: Flag = env("OKR_REVIEWS_GRADING_REMINDERS_ENABLED", True)
    grading_reminder_interval_seconds: float = env(
        "OKR_REVIEWS_GRADING_REMINDER_INTERVAL", 60.0, gt=0
    )
    grading_reminder_period_days: int = env("OKR_REVIEWS_GRADING_REMINDER_PERIOD_DAYS", 7, ge=1)
    grading_window_days: int = env("OKR_REVIEWS_GRADING_WINDOW_DAYS", 14, ge=0)
