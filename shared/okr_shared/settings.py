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
    topic_namespace: str = field(default_factory=lambda: _env("OKR_KAFKA_TOPIC_NAMESPACE", ""))

    def topic(self, name: str) -> str:
        """The topic's name in this deployment: `<namespace>.<name>` when several share a cluster."""
        return f"{self.topic_namespace}.{name}" if self.topic_namespace else name


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


def event_store_env(prefix: str) -> dict[str, str]:
    """eventsourcing's persistence settings for one service: `<PREFIX>_`-prefixed or plain,
    an SQLite file under `.state/` by default (overridden by `OKR_<PREFIX>_SQLITE_PATH`)."""
    env = {k: v for k, v in os.environ.items() if k.startswith((f"{prefix}_", "PERSISTENCE_", "POSTGRES_", "SQLITE_"))}
    if not (env.get(f"{prefix}_PERSISTENCE_MODULE") or env.get("PERSISTENCE_MODULE")):
        default = os.path.join(".state", f"{prefix.lower()}-events.sqlite")
        path = os.environ.get(f"OKR_{prefix}_SQLITE_PATH", default)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        env.update({f"{prefix}_PERSISTENCE_MODULE": "eventsourcing.sqlite", f"{prefix}_SQLITE_DBNAME": path})
    return env
