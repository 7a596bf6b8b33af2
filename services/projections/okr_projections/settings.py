"""Settings of the projections service, from the environment."""

from __future__ import annotations

from pydantic import Field

from okr_shared.settings import AuthSettings, EnvSettings, Flag, HttpSettings, KafkaSettings, env


class ProjectionsSettings(EnvSettings):
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    mongo_url: str = env("OKR_MONGO_URL", "mongodb://127.0.0.1:27017/")
    database: str = env("OKR_PROJECTIONS_DB", "okr_projections")
    consumer_group: str = env("OKR_PROJECTIONS_GROUP", "okr-projections")
    consume: Flag = env("OKR_PROJECTIONS_CONSUME", True)
    pointer_poll_seconds: float = env("OKR_PROJECTIONS_POINTER_POLL", 1.0)
