"""Every Kafka client the platform makes carries the TLS and SASL settings."""

from __future__ import annotations

import ssl
from types import SimpleNamespace

import pytest
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from okr_shared import health, messaging
from okr_shared.messaging import CloudEventPublisher, ensure_topics
from okr_shared.settings import KafkaSettings

SCRAM = KafkaSettings(
    bootstrap_servers="kafka:9096",
    security_protocol="SASL_SSL",
    sasl_mechanism="SCRAM-SHA-512",
    sasl_username="okr",
    sasl_password="s3cret",
)


def test_plaintext_by_default_with_no_security_arguments() -> None:
    settings = KafkaSettings(bootstrap_servers="kafka:9092", security_protocol="PLAINTEXT")
    assert settings.client_kwargs() == {
        "bootstrap_servers": "kafka:9092",
        "security_protocol": "PLAINTEXT",
    }
    assert settings.broker_security() is None


def test_sasl_ssl_gives_credentials_and_a_tls_context() -> None:
    kwargs = SCRAM.client_kwargs()
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert (
        kwargs["sasl_mechanism"],
        kwargs["sasl_plain_username"],
        kwargs["sasl_plain_password"],
    ) == ("SCRAM-SHA-512", "okr", "s3cret")
    assert isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert "s3cret" not in repr(SCRAM)


@pytest.mark.parametrize(
    ("mechanism", "kind"),
    [("PLAIN", SASLPlaintext), ("SCRAM-SHA-256", SASLScram256), ("SCRAM-SHA-512", SASLScram512)],
)
def test_broker_security_matches_the_mechanism(mechanism: str, kind: type) -> None:
    settings = KafkaSettings(
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism=mechanism,
        sasl_username="u",
        sasl_password="p",
    )
    security = settings.broker_security()
    assert type(security) is kind and not security.use_ssl
    assert (security.username, security.password) == ("u", "p")


def test_tls_only_gives_a_base_security_with_tls() -> None:
    security = KafkaSettings(security_protocol="SSL").broker_security()
    assert type(security) is BaseSecurity and security.use_ssl
    assert isinstance(security.ssl_context, ssl.SSLContext)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (dict(security_protocol="TLS"), "OKR_KAFKA_SECURITY_PROTOCOL"),
        (
            dict(
                security_protocol="SASL_SSL",
                sasl_mechanism="GSSAPI",
                sasl_username="u",
                sasl_password="p",
            ),
            "OKR_KAFKA_SASL_MECHANISM",
        ),
        (dict(security_protocol="SASL_SSL", sasl_mechanism="PLAIN"), "OKR_KAFKA_SASL_USERNAME"),
        (dict(security_protocol="SSL", ssl_certfile="/c.pem"), "OKR_KAFKA_SSL_KEYFILE"),
    ],
)
def test_incomplete_security_settings_are_refused(settings: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        KafkaSettings(**settings)


async def test_the_producer_gets_the_settings() -> None:
    client = CloudEventPublisher(SCRAM, client_id="t")._producer.client
    assert (
        client._security_protocol,
        client._sasl_mechanism,
        client._sasl_plain_username,
        client._sasl_plain_password,
    ) == ("SASL_SSL", "SCRAM-SHA-512", "okr", "s3cret")
    assert client._ssl_context is not None


@pytest.mark.parametrize("build", ["checkins", "projections"])
def test_the_consumers_brokers_get_the_settings(build: str) -> None:
    from okr_shared.contracts import default_registry

    if build == "checkins":
        from okr_checkins.knowledge.subscriber import build_broker
        from okr_shared.knowledge_table import MemoryKnowledge

        broker = build_broker(SCRAM, MemoryKnowledge(), default_registry(), "g")
    else:
        from okr_projections.consumer import build_broker

        broker = build_broker(SCRAM, SimpleNamespace(), default_registry(), "g")
    kwargs = broker._connection_kwargs
    assert (
        kwargs["security_protocol"],
        kwargs["sasl_mechanism"],
        kwargs["sasl_plain_username"],
        kwargs["sasl_plain_password"],
    ) == ("SASL_SSL", "SCRAM-SHA-512", "okr", "s3cret")


class _Refused(Exception):
    pass


@pytest.mark.parametrize("use", ["ensure_topics", "health"])
async def test_the_admin_clients_get_the_settings(
    use: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict = {}

    class Recording:
        def __init__(self, **kwargs: object) -> None:
            seen.update(kwargs)

        async def start(self) -> None:
            raise _Refused

        async def close(self) -> None:
            pass

    monkeypatch.setattr(
        messaging if use == "ensure_topics" else health, "AIOKafkaAdminClient", Recording
    )
    with pytest.raises(_Refused):
        if use == "ensure_topics":
            await ensure_topics(SCRAM, ["t"])
        else:
            await health.kafka_check(SCRAM)()
    assert (seen["security_protocol"], seen["sasl_mechanism"], seen["sasl_plain_username"]) == (
        "SASL_SSL",
        "SCRAM-SHA-512",
        "okr",
    )
