"""The platform's Kafka clients on a SASL_PLAINTEXT listener with SCRAM-SHA-512.

Starts a throwaway single-node Kafka of its own (the cached `kafka.sh` artifacts) whose client
listener requires SCRAM; the shared broker is left as it is.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka.errors import KafkaConnectionError
from faststream.kafka import KafkaBroker

from okr_shared.cloudevents import CloudEvent
from okr_shared.health import kafka_check
from okr_shared.messaging import CloudEventPublisher, ensure_topics
from okr_shared.settings import KafkaSettings

KAFKA_LIBS = Path(os.environ.get("OKR_CACHE", Path.home() / ".cache/okr-platform")) / (
    f"kafka-{os.environ.get('KAFKA_VERSION', '4.4.0')}/libs"
)
USER, PASSWORD = "okr-service", "scram-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def properties(data: Path, client: int, internal: int, controller: int) -> str:
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
        f' username="{USER}" password="{PASSWORD}";'
    )
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.bootstrap.servers=localhost:{controller}",
            f"listeners=SASL_PLAINTEXT://127.0.0.1:{client},INTERNAL://127.0.0.1:{internal},"
            f"CONTROLLER://127.0.0.1:{controller}",
            f"advertised.listeners=SASL_PLAINTEXT://localhost:{client},INTERNAL://localhost:{internal},"
            f"CONTROLLER://localhost:{controller}",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=INTERNAL",
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,"
            "SASL_PLAINTEXT:SASL_PLAINTEXT",
            "sasl.enabled.mechanisms=SCRAM-SHA-512",
            f"listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config={jaas}",
            f"log.dirs={data / 'data'}",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "auto.create.topics.enable=false",
            "",
        ]
    )


@pytest.fixture(scope="module")
def scram_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert KAFKA_LIBS.is_dir() and shutil.which("java"), (
        f"no Kafka artifacts in {KAFKA_LIBS} or no java: run deploy/local/kafka.sh install"
    )
    data = tmp_path_factory.mktemp("scram-kafka")
    client, internal, controller = free_port(), free_port(), free_port()
    config = data / "server.properties"
    config.write_text(properties(data, client, internal, controller))
    classpath = f"{KAFKA_LIBS}/*"
    subprocess.run(
        [
            "java",
            "-cp",
            classpath,
            "kafka.tools.StorageTool",
            "format",
            "--standalone",
            "-t",
            uuid.uuid4().hex[:22],
            "-c",
            str(config),
            "--add-scram",
            f"SCRAM-SHA-512=[name={USER},password={PASSWORD}]",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with open(data / "kafka.log", "wb") as log:
        proc = subprocess.Popen(
            ["java", "-Xms128m", "-Xmx512m", "-cp", classpath, "kafka.Kafka", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 120
            while b"Kafka Server started" not in (data / "kafka.log").read_bytes():
                assert proc.poll() is None, (data / "kafka.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the SCRAM broker did not start"
                time.sleep(0.3)
            yield f"localhost:{client}"
        finally:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def scram(bootstrap: str, password: str = PASSWORD) -> KafkaSettings:
    return KafkaSettings(
        bootstrap_servers=bootstrap,
        security_protocol="SASL_PLAINTEXT",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username=USER,
        sasl_password=password,
        topic_partitions=1,
        replication_factor=1,
    )


async def test_admin_producer_consumer_and_health_check_authenticate(scram_kafka: str) -> None:
    settings = scram(scram_kafka)
    topic = f"scram-{uuid.uuid4().hex[:8]}"
    await ensure_topics(settings, [topic])
    await kafka_check(settings)()

    publisher = CloudEventPublisher(settings, client_id="scram-test")
    await publisher.start()
    try:
        event = CloudEvent(
            id=str(uuid.uuid4()),
            source="/okr/tests",
            type="okr.tests.Probed",
            subject="s",
            time=datetime.now(UTC),
            dataschema="urn:okr:tests:Probed:1",
            data={"n": 1},
            tenantid="acme",
            actorid="a",
            correlationid="c",
            causationid="c",
            sequence=1,
        )
        await publisher.publish(topic, [event])
    finally:
        await publisher.stop()

    received: asyncio.Queue[dict] = asyncio.Queue()
    broker = KafkaBroker(settings.bootstrap_servers, security=settings.broker_security())

    @broker.subscriber(topic, group_id=f"g-{uuid.uuid4().hex[:6]}", auto_offset_reset="earliest")
    async def on_message(body: dict) -> None:
        await received.put(body)

    await broker.start()
    try:
        body = await asyncio.wait_for(received.get(), timeout=30)
    finally:
        await broker.stop()
    assert body == {"n": 1}


async def test_a_wrong_password_is_refused(scram_kafka: str) -> None:
    wrong = scram(scram_kafka, "wrong")
    with pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(ensure_topics(wrong, ["never"]), timeout=30)
    with pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(kafka_check(wrong)(), timeout=30)
