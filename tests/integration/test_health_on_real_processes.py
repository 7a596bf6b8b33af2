"""Readiness and shutdown of a real goal-service process when its PostgreSQL stops answering.

The service reaches the shared PostgreSQL through a TCP relay owned by the test; cutting the
relay breaks the open connections and leaves new ones unanswered, as a partitioned network does
(the shared PostgreSQL itself keeps running).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import postgres_env
from tests.support.infra import Infra

LOG_DIR = Path(os.environ.get("OKR_STATE", ".state")) / "logs" / "health"


class Relay:
    """Forwards TCP connections to a target until cut; then accepts and never answers."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.cut = threading.Event()
        self._open: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._open.append(client)
            if self.cut.is_set():
                continue
            upstream = socket.create_connection(self.target)
            self._open.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while not self.cut.is_set() and (data := source.recv(65536)):
                sink.sendall(data)
        except OSError:
            pass

    def partition(self) -> None:
        """Breaks every open connection; new ones are accepted and left unanswered."""
        self.cut.set()
        for s in list(self._open):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.partition()
        self._listener.close()
        for s in self._open:
            s.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def goals_behind_relay(
    infra: Infra, postgres_db: str
) -> Iterator[tuple[str, Relay, subprocess.Popen]]:
    relay = Relay((infra.pg_host, infra.pg_port))
    env = {
        **os.environ,
        **postgres_env(infra, postgres_db),
        "GOALS_POSTGRES_PORT": str(relay.port),
        "GOALS_POSTGRES_CONNECT_TIMEOUT": "3",
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": f"health-{uuid.uuid4().hex[:8]}",
        "OKR_HEALTH_CHECK_TIMEOUT_SECONDS": "1",
        "OKR_STOP_TIMEOUT_SECONDS": "3",
    }
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOG_DIR / f"goals-{uuid.uuid4().hex[:6]}.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "okr_goals.cli", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                assert proc.poll() is None, f"goal service exited; log in {log.name}"
                try:
                    if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, "goal service never became ready"
                time.sleep(0.2)
            yield url, relay, proc
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            relay.close()


def test_ready_names_the_unreachable_event_store_quickly_while_live_answers(
    goals_behind_relay: tuple[str, Relay, subprocess.Popen],
) -> None:
    url, relay, _ = goals_behind_relay
    body = httpx.get(f"{url}/health/ready", timeout=5).json()
    assert body["status"] == "ok"
    assert {"event-store", "kafka", "outbox-relay"} <= set(body["checks"])

    relay.partition()
    for _ in range(3):
        started = time.monotonic()
        response = httpx.get(f"{url}/health/ready", timeout=10)
        assert time.monotonic() - started < 3
        assert response.status_code == 503
        assert "event-store" in response.json()["failed"]
        assert response.json()["checks"]["kafka"]["ok"]
        started = time.monotonic()
        assert httpx.get(f"{url}/health/live", timeout=5).status_code == 200
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
        assert time.monotonic() - started < 1


def test_shutdown_finishes_within_the_grace_period_while_postgres_is_unreachable(
    goals_behind_relay: tuple[str, Relay, subprocess.Popen],
) -> None:
    url, relay, proc = goals_behind_relay
    relay.partition()
    assert httpx.get(f"{url}/health/ready", timeout=10).status_code == 503
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    assert time.monotonic() - started < 25


def serve_until_ready(module: str, env: dict[str, str]) -> tuple[str, subprocess.Popen, Path]:
    port = free_port()
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    log_path = LOG_DIR / f"{module.split('.')[0]}-{uuid.uuid4().hex[:6]}.log"
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, "serve", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, log_path.read_text()[-3000:]
        try:
            if httpx.get(f"{url}/health/ready", timeout=3).status_code == 200:
                return url, proc, log_path
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, f"{module} never became ready; log {log_path}"
        time.sleep(0.2)


@pytest.mark.parametrize("service", ["checkins", "projections"])
def test_the_other_services_report_their_checks_ready_on_the_real_stack(
    infra: Infra, postgres_db: str, service: str
) -> None:
    common = {
        "OKR_KAFKA_BOOTSTRAP": infra.kafka_bootstrap,
        "OKR_KAFKA_TOPIC_NAMESPACE": f"health-{uuid.uuid4().hex[:8]}",
    }
    if service == "checkins":
        env = {
            **common,
            **postgres_env(infra, postgres_db, "CHECKINS"),
            "OKR_CHECKINS_GROUP": f"health-{uuid.uuid4().hex[:8]}",
        }
        expected = {
            "event-store",
            "kafka",
            "goals-consumer",
            "outbox-relay",
            "audit-chainer",
            "reminders",
        }
    else:
        env = {
            **common,
            "OKR_MONGO_URL": infra.mongo_url,
            "OKR_PROJECTIONS_DB": f"health_{uuid.uuid4().hex[:8]}",
            "OKR_PROJECTIONS_GROUP": f"health-{uuid.uuid4().hex[:8]}",
        }
        expected = {"document-store", "kafka", "consumer", "pointer-follower"}
    url, proc, _ = serve_until_ready(f"okr_{service}.cli", env)
    try:
        body = httpx.get(f"{url}/health/ready", timeout=5).json()
        assert set(body["checks"]) == expected and body["failed"] == []
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        assert time.monotonic() - started < 25
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
