"""Two relay processes on one event store: when the leader is paused (SIGSTOP) its lease ends and
the other relays; woken (SIGCONT), the paused one publishes nothing and waits for the lock."""

from __future__ import annotations

import asyncio
import os
import signal
import uuid
from collections import Counter

import httpx

from okr_shared.messaging import GOALS_TOPIC
from tests.conftest import postgres_env
from tests.e2e.conftest import CYCLES, Org
from tests.support import org
from tests.support.infra import create_databases, drop_databases
from tests.support.kafka_records import records_on
from tests.support.processes import Process, free_port, wait_for, wait_healthy

LEASE_SECONDS = 2
LEADS = "outbox relay goals-relay leads"
WAITS = "outbox relay goals-relay waits"


def relay_lines(process: Process) -> list[str]:
    """What the process logged about leading the goal relay, in order."""
    lines = process.log_path.read_text(errors="replace").splitlines()
    return [line for line in lines if LEADS in line or WAITS in line]


def last_state(process: Process) -> str | None:
    lines = relay_lines(process)
    if not lines:
        return None
    return "leads" if LEADS in lines[-1] else "waits"


def ids_on_kafka(bootstrap: str, topic: str) -> tuple[Counter, set[str]]:
    """How often each CloudEvent id is on the topic, and the record keys (subjects)."""
    records = asyncio.run(records_on(bootstrap, topic))
    ids = Counter(dict(r.headers)["ce_id"].decode() for r in records)
    return ids, {r.key.decode() for r in records if r.key}


def create_objectives(url: str, tenant: Org, n: int) -> list[str]:
    ids = []
    for i in range(n):
        body = {
            "title": f"Relayed through a takeover {i}",
            "owner_type": "org_unit",
            "owner_id": "acme",
            "level": "company",
            "cycle_id": org.CYCLE,
        }
        r = httpx.post(f"{url}/v1/objectives", json=body, headers=tenant.admin)
        assert r.status_code == 201, r.text
        ids.append(r.json()["objective_id"])
    return ids


def test_a_paused_relay_is_replaced_and_publishes_nothing_when_woken(infra, issuer):
    dbname = f"okr_e2e_{uuid.uuid4().hex[:10]}"
    create_databases(infra, dbname)
    namespace = f"e2e-lease-{uuid.uuid4().hex[:8]}"
    topic = f"{namespace}.{GOALS_TOPIC}"
    env = {
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": namespace,
        "OKR_LEADER_LEASE_SECONDS": str(LEASE_SECONDS),
        "OKR_GOALS_RELAY_ENABLED": "false",
        **postgres_env(infra, dbname),
    }
    port = free_port()
    goals = Process("goals", ["okr_goals.cli", "serve", "--port", str(port)], env)
    first = Process("relay-first", ["okr_goals.cli", "relay"], env)
    second = Process("relay-second", ["okr_goals.cli", "relay"], env)
    url = f"http://127.0.0.1:{port}"
    started: list[Process] = []
    paused = False
    try:
        for process in (goals, first):
            process.start()
            started.append(process)
        wait_healthy(f"{url}/health", goals)
        wait_for(lambda: last_state(first) == "leads", seconds=60)
        second.start()
        started.append(second)
        wait_for(lambda: last_state(second) == "waits", seconds=60)

        tenant = Org(f"tenant-{uuid.uuid4().hex[:8]}", issuer)
        body = {"org_units": org.ORG_UNITS, "people": org.PEOPLE}
        r = httpx.post(f"{url}/v1/directory/import", json=body, headers=tenant.admin)
        assert r.status_code == 200, r.text
        for cycle in CYCLES:
            r = httpx.post(f"{url}/v1/cycles", json=cycle, headers=tenant.admin)
            assert r.status_code == 201, r.text
        cycles = {c["cycle_id"] for c in CYCLES}
        wait_for(lambda: cycles <= ids_on_kafka(infra.kafka_bootstrap, topic)[1], seconds=30)

        os.kill(first.proc.pid, signal.SIGSTOP)
        paused = True
        during = create_objectives(url, tenant, 3)
        wait_for(
            lambda: set(during) <= ids_on_kafka(infra.kafka_bootstrap, topic)[1],
            seconds=LEASE_SECONDS + 30,
            interval=0.5,
        )
        assert last_state(second) == "leads"

        led_before_waking = len(relay_lines(first))
        os.kill(first.proc.pid, signal.SIGCONT)
        paused = False
        wait_for(lambda: last_state(first) == "waits", seconds=30)
        after = create_objectives(url, tenant, 3)
        wait_for(
            lambda: set(after) <= ids_on_kafka(infra.kafka_bootstrap, topic)[1],
            seconds=30,
            interval=0.5,
        )

        woken = relay_lines(first)[led_before_waking:]
        assert woken and all(WAITS in line for line in woken)
        ids, _ = ids_on_kafka(infra.kafka_bootstrap, topic)
        assert [i for i, n in ids.items() if n > 1] == []
    finally:
        if paused:
            os.kill(first.proc.pid, signal.SIGCONT)
        for process in started:
            process.stop()
        drop_databases(infra, dbname)
