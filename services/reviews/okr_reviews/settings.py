"""Settings of the review service, from the environment."""

from __future__ import annotations

from pydantic import Field

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
    event_store: dict[str, str] = Field(default_factory=lambda: event_store_env("REVIEWS"))
    consumer_group: str = env("OKR_REVIEWS_GROUP", "okr-reviews")
    consume: Flag = env("OKR_REVIEWS_CONSUME", True)
    relay_enabled: Flag = env("OKR_REVIEWS_RELAY_ENABLED", True)
    relay_poll_seconds: float = env("OKR_REVIEWS_RELAY_POLL", 0.05)
