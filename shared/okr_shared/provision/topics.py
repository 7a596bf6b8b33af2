"""The platform's Kafka topics: created by the topic job, checked by the services at start."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from okr_shared.messaging import create_topics, kafka_admin
from okr_shared.settings import KafkaSettings


@dataclass
class TopicsOutcome:
    """What a run of the topic job did: topics created, kept (they existed), failed (why), and
    kept topics whose partitions or configs differ from the settings (what differs)."""

    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    differing: list[str] = field(default_factory=list)


async def existing_topics(kafka: KafkaSettings) -> set[str]:
    admin = kafka_admin(kafka)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def missing_topics(kafka: KafkaSettings, topics: Sequence[str]) -> list[str]:
    """The topics of `topics` that do not exist."""
    existing = await existing_topics(kafka)
    return [t for t in topics if t not in existing]


async def provision_topics(kafka: KafkaSettings, topics: Sequence[str]) -> TopicsOutcome:
    """Creates the missing topics with the settings' partitions, replication factor,
    `min.insync.replicas`, retention and cleanup policy; existing ones are kept as they are."""
    admin = kafka_admin(kafka)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        failed = await create_topics(admin, kafka, missing) if missing else []
        kept = [t for t in topics if t in existing]
        differing = await _differences(admin, kafka, kept) if kept else []
    finally:
        await admin.close()
    broken = {line.split(":", 1)[0] for line in failed}
    return TopicsOutcome(
        created=[t for t in missing if t not in broken],
        kept=kept,
        failed=failed,
        differing=differing,
    )


async def _differences(admin: Any, kafka: KafkaSettings, topics: list[str]) -> list[str]:
    """One line per existing topic whose partition count or configs are not the settings'."""
    wanted = kafka.topic_configs()
    partitions = {d["topic"]: len(d["partitions"]) for d in await admin.describe_topics(topics)}
    responses = await admin.describe_configs(
        [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]
    )
    configs = {
        name: {entry[0]: entry[1] for entry in entries}
        for response in responses
        for (_code, _message, _type, name, entries) in response.resources
    }
    lines = []
    for topic in topics:
        found = {"partitions": str(partitions.get(topic)), **configs.get(topic, {})}
        want = {"partitions": str(kafka.topic_partitions), **wanted}
        off = [f"{k}={found.get(k)} (wanted {v})" for k, v in want.items() if found.get(k) != v]
        if off:
            lines.append(f"{topic}: {', '.join(off)}")
    return lines


def describe(kafka: KafkaSettings) -> Mapping[str, object]:
    """The settings every topic is created with, as the job reports them."""
    return {
        "partitions": kafka.topic_partitions,
        "replication": kafka.replication_factor,
        **kafka.topic_configs(),
    }
