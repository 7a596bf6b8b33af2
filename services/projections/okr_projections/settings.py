"""Settings of the projections service, from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from okr_shared.settings import AuthSettings, HttpSettings, KafkaSettings


@dataclass(frozen=True)
class ProjectionsSettings:
    kafka: KafkaSettings = field(default_factory=KafkaSettings)
    auth: AuthSettings = field(default_factory=AuthSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    mongo_url: str = field(
        default_factory=lambda: os.environ.get("OKR_MONGO_URL", "mongodb://127.0.0.1:27017/")
    )
    database: str = field(
        default_factory=lambda: os.environ.get("OKR_PROJECTIONS_DB", "okr_projections")
    )
    consumer_group: str = field(
        default_factory=lambda: os.environ.get("OKR_PROJECTIONS_GROUP", "okr-projections")
    )
    consume: bool = field(
        default_factory=lambda: os.environ.get("OKR_PROJECTIONS_CONSUME", "true") == "true"
    )
