"""Settings read from the environment, common to every service."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class KafkaSettings:
    """Where the Kafka cluster is and how clients identify themselves."""

    bootstrap_servers: str = field(default_factory=lambda: _env("OKR_KAFKA_BOOTSTRAP", "localhost:9092"))
    client_id_prefix: str = field(default_factory=lambda: _env("OKR_KAFKA_CLIENT_PREFIX", "okr"))
    topic_partitions: int = field(default_factory=lambda: int(_env("OKR_KAFKA_PARTITIONS", "3")))
    replication_factor: int = field(default_factory=lambda: int(_env("OKR_KAFKA_REPLICATION", "1")))


@dataclass(frozen=True)
class AuthSettings:
    """How bearer tokens are verified (and, in development, issued)."""

    issuer: str = field(default_factory=lambda: _env("OKR_JWT_ISSUER", "okr-dev-issuer"))
    audience: str = field(default_factory=lambda: _env("OKR_JWT_AUDIENCE", "okr-platform"))
    algorithm: str = field(default_factory=lambda: _env("OKR_JWT_ALGORITHM", "HS256"))
    verification_key: str = field(
        default_factory=lambda: _env("OKR_JWT_KEY", "dev-only-secret-change-me-in-every-real-deployment")
    )
    leeway_seconds: int = field(default_factory=lambda: int(_env("OKR_JWT_LEEWAY", "30")))


@dataclass(frozen=True)
class HttpSettings:
    """Limits applied to every HTTP API."""

    max_body_bytes: int = field(default_factory=lambda: int(_env("OKR_HTTP_MAX_BODY_BYTES", str(256 * 1024))))
