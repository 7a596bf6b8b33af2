"""Settings read from the environment, common to every service.

Each class is a pydantic-settings `BaseSettings`: a field reads the environment variable named
in its `validation_alias` (case-sensitive, as the platform documents them) and may also be
given by its own name (`KafkaSettings(bootstrap_servers=...)`); instances are frozen.
"""

from __future__ import annotations

import os
import ssl
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, Field, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

DEV_JWT_KEY = "dev-only-secret-change-me-in-every-real-deployment"
DEV_JWT_ISSUER = "okr-dev-issuer"
PLACEHOLDER_MARKS = ("replace-me", "replace_me", "changeme", "change-me", "change_me", "dev-only")
MIN_HS_KEY_BYTES = 32
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
PROVISIONING_MODES = ("auto", "external")


class UnsafeConfiguration(RuntimeError):
    """A setting that must not reach a real deployment; the service refuses to start."""


def development_mode() -> bool:
    """Whether this process runs for local development or tests (`OKR_ENV=development`)."""
    return os.environ.get("OKR_ENV", "production").strip().lower() == "development"


def provisioning_external() -> bool:
    """Whether the operator's jobs provision topics and tables (`OKR_PROVISIONING=external`)
    rather than the service creating them at start (`auto`, the default); refuses other values."""
    mode = os.environ.get("OKR_PROVISIONING", "auto").strip().lower() or "auto"
    if mode not in PROVISIONING_MODES:
        raise ValueError(
            f"OKR_PROVISIONING must be one of {', '.join(PROVISIONING_MODES)}, not {mode!r}"
        )
    return mode == "external"


def _dev_default(value: str) -> str:
    return value if development_mode() else ""


def _csv(value: Any) -> Any:
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


def _true_ignoring_case(value: Any) -> Any:
    return value.lower() == "true" if isinstance(value, str) else value


def _true(value: Any) -> Any:
    return value == "true" if isinstance(value, str) else value


Upper = Annotated[str, BeforeValidator(_upper)]
Csv = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_csv)]
TrueIgnoringCase = Annotated[bool, BeforeValidator(_true_ignoring_case)]
Flag = Annotated[bool, BeforeValidator(_true)]
"""A switch that is on only when its variable is exactly `true`."""


def env(name: str, default: Any = None, **kwargs: Any) -> Any:
    """A field read from the environment variable `name`."""
    if "default_factory" in kwargs:
        return Field(validation_alias=name, **kwargs)
    return Field(default, validation_alias=name, **kwargs)


class _NamedVariables(EnvSettingsSource):
    """The environment, read only for the fields that name their variable (`env(...)`)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field.validation_alias is None:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class EnvSettings(BaseSettings):
    """Base of the platform's settings: exact variable names, frozen, no `.env` or secret files;
    fields without a variable (nested settings, computed defaults) come only from the code."""

    model_config = SettingsConfigDict(case_sensitive=True, frozen=True, populate_by_name=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _NamedVariables(settings_cls)


S = TypeVar("S", bound=BaseSettings)


def replace(settings: S, **changes: Any) -> S:
    """A copy of `settings` with some fields changed, validated again (like dataclasses.replace)."""
    fields = {name: getattr(settings, name) for name in type(settings).model_fields}
    return type(settings)(**{**fields, **changes})


class KafkaSettings(EnvSettings):
    """Where the Kafka cluster is, how clients authenticate, how topics are made."""

    bootstrap_servers: str = env("OKR_KAFKA_BOOTSTRAP", "localhost:9092")
    client_id_prefix: str = env("OKR_KAFKA_CLIENT_PREFIX", "okr")
    topic_partitions: int = env("OKR_KAFKA_PARTITIONS", 3)
    replication_factor: int = env("OKR_KAFKA_REPLICATION", 1)
    topic_namespace: str = env("OKR_KAFKA_TOPIC_NAMESPACE", "")
    create_topics: TrueIgnoringCase = env("OKR_KAFKA_CREATE_TOPICS", True)
    consumer_metadata_max_age_ms: int = env("OKR_KAFKA_CONSUMER_METADATA_MAX_AGE_MS", 10_000)
    """How stale a consumer's view of the topics may grow: a group assigned while the broker
    knew no partitions of a topic (just after a broker pause or restart) is rebalanced once its
    leader's metadata is refreshed, so this bounds how long that topic goes unconsumed."""
    # `OKR_PROVISIONING=external`: the topic job made the topics; the service only checks them.
    provisioned_externally: bool = Field(default_factory=lambda: provisioning_external())
    # -1 keeps events forever: read models are rebuilt by consuming a topic from its start.
    retention_ms: int = env("OKR_KAFKA_RETENTION_MS", -1)
    # 0 means min(2, replication factor): one replica may fail without losing acknowledged events.
    min_insync_replicas: int = env("OKR_KAFKA_MIN_INSYNC", 0)
    cleanup_policy: str = env("OKR_KAFKA_CLEANUP_POLICY", "delete")
    security_protocol: Upper = env("OKR_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
    ssl_cafile: str = env("OKR_KAFKA_SSL_CAFILE", "")
    ssl_certfile: str = env("OKR_KAFKA_SSL_CERTFILE", "")
    ssl_keyfile: str = env("OKR_KAFKA_SSL_KEYFILE", "")
    ssl_key_password: str = env("OKR_KAFKA_SSL_KEY_PASSWORD", "", repr=False)
    sasl_mechanism: Upper = env("OKR_KAFKA_SASL_MECHANISM", "")
    sasl_username: str = env("OKR_KAFKA_SASL_USERNAME", "")
    sasl_password: str = env("OKR_KAFKA_SASL_PASSWORD", "", repr=False)

    @model_validator(mode="after")
    def _refuse_incomplete_security(self) -> KafkaSettings:
        if self.security_protocol not in SECURITY_PROTOCOLS:
            raise ValueError(
                "OKR_KAFKA_SECURITY_PROTOCOL must be one of "
                f"{', '.join(SECURITY_PROTOCOLS)}, not {self.security_protocol!r}"
            )
        if self.uses_sasl:
            if self.sasl_mechanism not in SASL_MECHANISMS:
                raise ValueError(
                    "OKR_KAFKA_SASL_MECHANISM must be one of "
                    f"{', '.join(SASL_MECHANISMS)} with {self.security_protocol},"
                    f" not {self.sasl_mechanism!r}"
                )
            if not self.sasl_username or not self.sasl_password:
                raise ValueError(
                    "OKR_KAFKA_SASL_USERNAME and OKR_KAFKA_SASL_PASSWORD are required"
                    f" with {self.security_protocol}"
                )
        if bool(self.ssl_certfile) != bool(self.ssl_keyfile):
            raise ValueError("OKR_KAFKA_SSL_CERTFILE and OKR_KAFKA_SSL_KEYFILE go together")
        return self

    @property
    def creates_topics(self) -> bool:
        """Whether a service creates missing topics itself (else it only checks they exist)."""
        return self.create_topics and not self.provisioned_externally

    def topic(self, name: str) -> str:
        """The topic's name here: `<namespace>.<name>` when several deployments share a cluster."""
        return f"{self.topic_namespace}.{name}" if self.topic_namespace else name

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    def topic_configs(self) -> dict[str, str]:
        """The configs every topic is created with."""
        min_isr = self.min_insync_replicas or min(2, self.replication_factor)
        return {
            "retention.ms": str(self.retention_ms),
            "min.insync.replicas": str(min_isr),
            "cleanup.policy": self.cleanup_policy,
        }

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context of every client (CA and, for mutual TLS, the client's certificate)."""
        if not self.uses_tls:
            return None
        context = ssl.create_default_context(cafile=self.ssl_cafile or None)
        if self.ssl_certfile:
            context.load_cert_chain(
                self.ssl_certfile, self.ssl_keyfile, self.ssl_key_password or None
            )
        return context

    def client_kwargs(self) -> dict[str, Any]:
        """Connection and security arguments of an aiokafka client (producer, consumer, admin)."""
        kwargs: dict[str, Any] = {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": self.security_protocol,
        }
        if self.uses_tls:
            kwargs["ssl_context"] = self.ssl_context()
        if self.uses_sasl:
            kwargs.update(
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password,
            )
        return kwargs

    def broker_security(self) -> Any:
        """The `security=` argument of a FastStream `KafkaBroker` (None on PLAINTEXT)."""
        from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

        context = self.ssl_context()
        if not self.uses_sasl:
            return BaseSecurity(ssl_context=context, use_ssl=True) if self.uses_tls else None
        kind = {
            "PLAIN": SASLPlaintext,
            "SCRAM-SHA-256": SASLScram256,
            "SCRAM-SHA-512": SASLScram512,
        }[self.sasl_mechanism]
        return kind(
            self.sasl_username, self.sasl_password, ssl_context=context, use_ssl=self.uses_tls
        )


class AuthSettings(EnvSettings):
    """How bearer tokens are verified: a static key, or the JWKS of an OIDC issuer."""

    issuer: str = env("OKR_JWT_ISSUER", default_factory=lambda: _dev_default(DEV_JWT_ISSUER))
    audience: str = env("OKR_JWT_AUDIENCE", "okr-platform")
    algorithm: str = env("OKR_JWT_ALGORITHM", "HS256")
    verification_key: str = env(
        "OKR_JWT_KEY", default_factory=lambda: _dev_default(DEV_JWT_KEY), repr=False
    )
    leeway_seconds: int = env("OKR_JWT_LEEWAY", 30)
    tenant_claim: str = env("OKR_JWT_TENANT_CLAIM", "tenant")
    roles_claim: str = env("OKR_JWT_ROLES_CLAIM", "roles")
    # The claim naming the person in the directory: `sub` by default; an enterprise provider's
    # subject is often opaque, and its `email` or an employee-number claim is the directory key.
    person_claim: str = env("OKR_JWT_PERSON_CLAIM", "sub")
    oidc_issuer: Annotated[str, BeforeValidator(lambda v: v.rstrip("/"))] = env(
        "OKR_OIDC_ISSUER", ""
    )
    oidc_jwks_url: str = env("OKR_OIDC_JWKS_URL", "")
    oidc_algorithms: Csv = env("OKR_OIDC_ALGORITHMS", ("RS256", "ES256"))
    # Keys are refetched when this old, and at most this often when a token names an unknown key.
    jwks_cache_seconds: float = env("OKR_OIDC_JWKS_CACHE_SECONDS", 300.0)
    jwks_min_refresh_seconds: float = env("OKR_OIDC_JWKS_MIN_REFRESH_SECONDS", 10.0)
    http_timeout_seconds: float = env("OKR_OIDC_HTTP_TIMEOUT_SECONDS", 5.0)

    @property
    def uses_oidc(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def expected_issuer(self) -> str:
        return self.oidc_issuer or self.issuer

    def problems(self) -> list[str]:
        """What makes these settings unfit for a real deployment (empty when fit)."""
        found = []
        if self.expected_issuer == DEV_JWT_ISSUER:
            name = "OKR_OIDC_ISSUER" if self.uses_oidc else "OKR_JWT_ISSUER"
            found.append(f"{name} is the development issuer {DEV_JWT_ISSUER!r}")
        if not self.audience:
            found.append("OKR_JWT_AUDIENCE is empty")
        if self.uses_oidc:
            bad = [a for a in self.oidc_algorithms if not a.startswith(("RS", "ES", "PS", "Ed"))]
            if bad or not self.oidc_algorithms:
                found.append(f"OKR_OIDC_ALGORITHMS must list asymmetric algorithms only, not {bad}")
            return found
        key = self.verification_key
        if not key:
            found.append(
                "no token verification configured: set OKR_OIDC_ISSUER (OIDC provider)"
                " or OKR_JWT_KEY with OKR_JWT_ISSUER"
            )
        elif key == DEV_JWT_KEY:
            found.append("OKR_JWT_KEY is the development key")
        elif any(mark in key.lower() for mark in PLACEHOLDER_MARKS):
            found.append("OKR_JWT_KEY is a placeholder value")
        elif self.algorithm.startswith("HS") and len(key.encode()) < MIN_HS_KEY_BYTES:
            found.append(
                f"OKR_JWT_KEY is shorter than {MIN_HS_KEY_BYTES} bytes for {self.algorithm}"
            )
        if not self.issuer:
            found.append("OKR_JWT_ISSUER is not set")
        return found

    def refuse_unsafe(self) -> None:
        """Raises UnsafeConfiguration outside development mode when tokens could be forged."""
        if development_mode():
            return
        found = self.problems()
        if found:
            raise UnsafeConfiguration(
                "refusing to start: "
                + "; ".join(found)
                + " (OKR_ENV=development allows development settings locally)"
            )


class HttpSettings(EnvSettings):
    """Limits applied to every HTTP API."""

    max_body_bytes: int = env("OKR_HTTP_MAX_BODY_BYTES", 256 * 1024)


class HealthSettings(EnvSettings):
    """How long each readiness check and each step of shutdown may take."""

    check_timeout_seconds: float = env("OKR_HEALTH_CHECK_TIMEOUT_SECONDS", 2.0)
    stop_timeout_seconds: float = env("OKR_STOP_TIMEOUT_SECONDS", 5.0)


class LeaderLeaseSettings(EnvSettings):
    """How long a PostgreSQL leader lock outlives its holder's silence (a paused or dead process):
    after this many idle seconds the server ends the lock's session and another replica leads."""

    lease_seconds: float = env("OKR_LEADER_LEASE_SECONDS", 10.0, ge=1)


def event_store_env(prefix: str) -> dict[str, str]:
    """eventsourcing's persistence settings for one service: `<PREFIX>_`-prefixed or plain,
    an SQLite file under `.state/` by default (overridden by `OKR_<PREFIX>_SQLITE_PATH`)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k.startswith((f"{prefix}_", "PERSISTENCE_", "POSTGRES_", "SQLITE_"))
    }
    if not (env.get(f"{prefix}_PERSISTENCE_MODULE") or env.get("PERSISTENCE_MODULE")):
        default = os.path.join(".state", f"{prefix.lower()}-events.sqlite")
        path = os.environ.get(f"OKR_{prefix}_SQLITE_PATH", default)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        env.update(
            {
                f"{prefix}_PERSISTENCE_MODULE": "eventsourcing.sqlite",
                f"{prefix}_SQLITE_DBNAME": path,
            }
        )
    if provisioning_external():
        env[f"{prefix}_CREATE_TABLE"] = "false"
    return env
