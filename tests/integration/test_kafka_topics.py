"""Topic setup on the real Kafka: explicit configs, loud failures, and check-only mode."""

from __future__ import annotations

import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from okr_shared.messaging import TopicSetupError, ensure_topics
from okr_shared.settings import KafkaSettings
from tests.support.infra import Infra


def fresh_topic() -> str:
    return f"topics-test-{uuid.uuid4().hex[:10]}"


async def topic_configs(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        [(_code, _message, _type, _name, entries)] = response.resources
        return {entry[0]: entry[1] for entry in entries}
    finally:
        await admin.close()


async def existing_topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def test_replication_beyond_the_brokers_raises_and_creates_nothing(infra: Infra) -> None:
    topic = fresh_topic()
    settings = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, replication_factor=3, topic_partitions=1
    )
    with pytest.raises(TopicSetupError, match=r"OKR_KAFKA_REPLICATION=3.*error 38"):
        await ensure_topics(settings, [topic])
    assert topic not in await existing_topics(infra.kafka_bootstrap)


async def test_created_topics_carry_the_configured_settings(infra: Infra) -> None:
    topic = fresh_topic()
    settings = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap,
        topic_partitions=1,
        replication_factor=1,
        retention_ms=86_400_000,
        min_insync_replicas=1,
        cleanup_policy="compact,delete",
    )
    await ensure_topics(settings, [topic])
    await ensure_topics(settings, [topic])
    configs = await topic_configs(infra.kafka_bootstrap, topic)
    assert configs["retention.ms"] == "86400000"
    assert configs["min.insync.replicas"] == "1"
    assert configs["cleanup.policy"] == "compact,delete"


async def test_default_configs_keep_events_forever(infra: Infra) -> None:
    topic = fresh_topic()
    await ensure_topics(
        KafkaSettings(
            bootstrap_servers=infra.kafka_bootstrap,
            topic_partitions=1,
            replication_factor=1,
            retention_ms=-1,
        ),
        [topic],
    )
    configs = await topic_configs(infra.kafka_bootstrap, topic)
    assert (configs["retention.ms"], configs["cleanup.policy"]) == ("-1", "delete")


async def test_without_creation_missing_topics_fail_and_existing_ones_pass(infra: Infra) -> None:
    present, missing = fresh_topic(), fresh_topic()
    creating = KafkaSettings(
        bootstrap_servers=infra.kafka_bootstrap, topic_partitions=1, replication_factor=1
    )
    await ensure_topics(creating, [present])
    checking = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, create_topics=False)
    await ensure_topics(checking, [present])
    with pytest.raises(TopicSetupError, match=f"missing: {missing}.*OKR_KAFKA_CREATE_TOPICS=false"):
        await ensure_topics(checking, [present, missing])
    assert missing not in await existing_topics(infra.kafka_bootstrap)
