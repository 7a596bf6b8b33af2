"""Provisioning as jobs on the real PostgreSQL and Kafka: the migration job makes a service's
tables with a privileged user and grants them to a runtime role that may create nothing; the
service runs as that role with `OKR_PROVISIONING=external`; the topic job makes every topic with
its configs; a service missing a table or a topic refuses to start naming it."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import psycopg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.provision.catalogue import TABLES, all_topics, service_topics
from okr_shared.settings import KafkaSettings
from tests.support import org
from tests.support.infra import Infra
from tests.support.kafka_records import records_on
from tests.support.processes import Process, free_port, wait_for, wait_healthy
from tests.support.provisioning import Database, database_without_ddl, provision

SERVICES = ("goals", "checkins", "reviews", "incentives")
OBJECTIVE = {
    "title": "Provisioned growth",
    "owner_type": "org_unit",
    "owner_id": "acme",
    "level": "company",
    "cycle_id": org.CYCLE,
    "key_results": [{"title": "ARR", "kind": "increase_to", "start": 1, "target": 2}],
}
CYCLE = {
    "cycle_id": org.CYCLE,
    "name": "Q1 2026",
    "cadence": "quarterly",
    "starts_on": "2026-01-01",
    "ends_on": "2026-03-31",
}


def fresh_namespace() -> str:
    return f"prov-{uuid.uuid4().hex[:8]}"


def kafka_env(infra: Infra, namespace: str) -> dict[str, str]:
    return {"OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap, "OKR_KAFKA_TOPIC_NAMESPACE": namespace}


def service_env(service: str, db: Database, namespace: str, runtime: bool = True) -> dict:
    """A service as the runtime role, provisioned externally, on its own topics and group."""
    return {
        **kafka_env(db.infra, namespace),
        **db.store_env(service, runtime=runtime),
        "OKR_PROVISIONING": "external",
        f"OKR_{service.upper()}_GROUP": f"okr-{service}-{namespace}",
        f"OKR_{service.upper()}_REMINDERS_ENABLED": "false",
    }


def start(service: str, env: dict[str, str]) -> tuple[Process, str]:
    port = free_port()
    process = Process(service, [f"okr_{service}.cli", "serve", "--port", str(port)], env)
    process.start()
    return process, f"http://127.0.0.1:{port}"


def exited(process: Process, seconds: float = 60) -> tuple[int, str]:
    """The exit code and log of a process expected to stop by itself."""
    assert process.proc is not None
    code = wait_for(lambda: process.proc.poll() is not None, seconds) and process.proc.returncode
    return code, process.log_path.read_text()


async def admin_of(infra: Infra) -> AIOKafkaAdminClient:
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    return admin


@pytest.fixture
def db(infra: Infra):
    with database_without_ddl(infra) as database:
        yield database


def test_the_runtime_role_may_create_nothing(db: Database) -> None:
    with (
        psycopg.connect(db.conninfo(runtime=True)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("CREATE TABLE sneaky (x int)")
    assert db.tables() == set()


@pytest.mark.parametrize("service", SERVICES)
def test_the_migration_job_makes_every_table_once_and_grants_them(
    db: Database, service: str
) -> None:
    env = db.store_env(service, runtime=False)
    first = provision("tables", "--service", service, "--grant-to", db.role, env=env)
    assert first.returncode == 0, first.stderr
    assert db.tables() == set(TABLES[service].all)
    again = provision("tables", "--service", service, "--grant-to", db.role, env=env)
    assert again.returncode == 0, again.stderr
    assert db.tables() == set(TABLES[service].all)
    with psycopg.connect(db.conninfo(runtime=True)) as conn:
        for table in TABLES[service].all:
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()


async def test_the_topic_job_makes_every_topic_with_its_configs_and_runs_again(
    infra: Infra,
) -> None:
    namespace = fresh_namespace()
    env = {
        **kafka_env(infra, namespace),
        "OKR_KAFKA_PARTITIONS": "2",
        "OKR_KAFKA_REPLICATION": "1",
        "OKR_KAFKA_MIN_INSYNC": "1",
        "OKR_KAFKA_RETENTION_MS": "604800000",
    }
    first = provision("topics", env=env)
    assert first.returncode == 0, first.stderr
    expected = all_topics(KafkaSettings(topic_namespace=namespace), environ={})
    assert first.stdout.count("created ") == len(expected)
    admin = await admin_of(infra)
    try:
        described = await admin.describe_topics(expected)
        assert {d["topic"]: len(d["partitions"]) for d in described} == dict.fromkeys(expected, 2)
        for topic in expected:
            [response] = await admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, topic)]
            )
            [(_code, _message, _type, _name, entries)] = response.resources
            configs = {entry[0]: entry[1] for entry in entries}
            assert configs["retention.ms"] == "604800000", topic
            assert configs["min.insync.replicas"] == "1", topic
            assert configs["cleanup.policy"] == "delete", topic
    finally:
        await admin.close()
    again = provision("topics", env=env)
    assert again.returncode == 0, again.stderr
    assert "created " not in again.stdout
    assert again.stdout.count("exists ") == len(expected)
    assert "differs" not in again.stderr
    changed = provision("topics", env={**env, "OKR_KAFKA_RETENTION_MS": "1000"})
    assert changed.returncode == 0, changed.stderr
    for topic in expected:
        assert f"differs {topic}: retention.ms=604800000 (wanted 1000)" in changed.stderr


async def test_the_topic_job_names_what_it_could_not_create_and_fails(infra: Infra) -> None:
    namespace = fresh_namespace()
    env = {**kafka_env(infra, namespace), "OKR_KAFKA_REPLICATION": "3"}
    done = provision("topics", env=env)
    assert done.returncode == 1
    assert f"FAILED  {namespace}.okr.goals.v1: error 38" in done.stderr
    admin = await admin_of(infra)
    try:
        assert not [t for t in await admin.list_topics() if t.startswith(namespace)]
    finally:
        await admin.close()


async def test_a_goal_service_without_ddl_rights_works_when_provisioned(
    db: Database, issuer
) -> None:
    namespace = fresh_namespace()
    tables = provision(
        "tables",
        "--service",
        "goals",
        "--grant-to",
        db.role,
        env=db.store_env("goals", runtime=False),
    )
    assert tables.returncode == 0, tables.stderr
    topics = provision(
        "topics", env={**kafka_env(db.infra, namespace), "OKR_KAFKA_PARTITIONS": "1"}
    )
    assert topics.returncode == 0, topics.stderr
    process, url = start("goals", service_env("goals", db, namespace))
    try:
        wait_healthy(f"{url}/health", process)
        tenant = f"tenant-{uuid.uuid4().hex[:8]}"
        admin = {"Authorization": f"Bearer {issuer.issue(tenant, 'ceo', roles=('admin',))}"}
        body = {"org_units": org.ORG_UNITS, "people": org.PEOPLE}
        r = httpx.post(f"{url}/v1/directory/import", json=body, headers=admin)
        assert r.status_code == 200, r.text
        assert httpx.post(f"{url}/v1/cycles", json=CYCLE, headers=admin).status_code == 201
        r = httpx.post(f"{url}/v1/objectives", json=OBJECTIVE, headers=admin)
        assert r.status_code == 201, r.text
        objective_id = r.json()["objective_id"]
        topic = f"{namespace}.{GOALS_TOPIC}"

        async def published() -> bool:
            return any(
                objective_id.encode() in (record.value or b"")
                for record in await records_on(db.infra.kafka_bootstrap, topic)
            )

        await _until(published)
    finally:
        process.stop()
    assert db.tables() == set(TABLES["goals"].all)


async def _until(check, seconds: float = 60) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "not within the deadline"
        await asyncio.sleep(0.2)


@pytest.mark.parametrize("service", ["checkins", "reviews", "incentives"])
def test_a_consuming_service_without_ddl_rights_starts_when_provisioned(
    db: Database, service: str
) -> None:
    namespace = fresh_namespace()
    env = service_env(service, db, namespace)
    tables = provision(
        "tables", "--service", service, "--grant-to", db.role, env=db.store_env(service, False)
    )
    assert tables.returncode == 0, tables.stderr
    group_env = {f"OKR_{service.upper()}_GROUP": env[f"OKR_{service.upper()}_GROUP"]}
    topics = provision("topics", env={**kafka_env(db.infra, namespace), **group_env})
    assert topics.returncode == 0, topics.stderr
    check = provision("check", "--service", service, env=env)
    assert check.returncode == 0, check.stderr
    process, url = start(service, env)
    try:
        wait_healthy(f"{url}/health", process)
    finally:
        process.stop()
    assert db.tables() == set(TABLES[service].all)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_on_an_empty_database_refuses_to_start_naming_its_tables(
    db: Database, service: str
) -> None:
    process, _url = start(service, service_env(service, db, fresh_namespace()))
    try:
        code, log = exited(process)
    finally:
        process.stop()
    assert code != 0
    assert "PostgreSQL tables missing" in log
    for table in TABLES[service].all:
        assert f"public.{table}" in log, table
    assert f"provision tables --service {service}" in log
    assert db.tables() == set()
    check = provision("check", "--service", service, env=service_env(service, db, "x"))
    assert check.returncode == 1
    assert f"missing table public.{TABLES[service].all[0]}" in check.stderr


@pytest.mark.parametrize("service", ["goals", "checkins"])
async def test_a_service_missing_one_topic_refuses_to_start_naming_it(
    db: Database, service: str
) -> None:
    namespace = fresh_namespace()
    env = service_env(service, db, namespace)
    tables = provision(
        "tables", "--service", service, "--grant-to", db.role, env=db.store_env(service, False)
    )
    assert tables.returncode == 0, tables.stderr
    kafka = KafkaSettings(
        bootstrap_servers=db.infra.kafka_bootstrap,
        topic_namespace=namespace,
        topic_partitions=1,
        provisioned_externally=False,
    )
    group = env.get(f"OKR_{service.upper()}_GROUP")
    *present, absent = service_topics(service, kafka, group if service != "goals" else None)
    await ensure_topics(kafka, present)
    process, _url = start(service, env)
    try:
        code, log = exited(process)
    finally:
        process.stop()
    assert code != 0
    assert f"Kafka topics missing: {absent} (python -m okr_shared.provision topics)" in log
    assert "PostgreSQL tables missing" not in log


def test_the_projections_without_their_topics_refuse_to_start_naming_them(infra: Infra) -> None:
    namespace = fresh_namespace()
    group = f"okr-projections-{namespace}"
    env = {
        **kafka_env(infra, namespace),
        "OKR_PROVISIONING": "external",
        "OKR_PROJECTIONS_GROUP": group,
        "OKR_MONGO_URL": infra.mongo_url,
        "OKR_PROJECTIONS_DB": f"okr_prov_{uuid.uuid4().hex[:8]}",
    }
    process, _url = start("projections", env)
    try:
        code, log = exited(process)
    finally:
        process.stop()
    assert code != 0
    kafka = KafkaSettings(topic_namespace=namespace, provisioned_externally=False)
    assert (
        f"Kafka topics missing: {', '.join(service_topics('projections', kafka, group))} (" in log
    )
