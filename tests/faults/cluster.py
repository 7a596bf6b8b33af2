"""A private Kafka, PostgreSQL and FerretDB for fault injection, started by the project's own
`deploy/local` scripts in a state directory and on ports of their own, so killing them touches
nothing else on the machine."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.infra import Infra
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "deploy" / "local"
COMPONENTS = ("kafka", "postgres", "ferretdb")


def _children(pid: int) -> list[int]:
    """Every descendant of `pid`, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass
class Cluster:
    """The three components in `state`; `infra` says where they listen."""

    state: Path
    env: dict[str, str]
    infra: Infra

    @classmethod
    def create(cls, state: Path) -> Cluster:
        ports = {
            "OKR_KAFKA_PORT": free_port(),
            "OKR_KAFKA_CONTROLLER_PORT": free_port(),
            "OKR_PG_PORT": free_port(),
            "OKR_FERRETDB_PORT": free_port(),
            "OKR_FERRETDB_DEBUG_PORT": free_port(),
        }
        env = {"OKR_STATE": str(state), **{k: str(v) for k, v in ports.items()}}
        infra = Infra(
            kafka_bootstrap=f"127.0.0.1:{ports['OKR_KAFKA_PORT']}",
            pg_host="127.0.0.1",
            pg_port=ports["OKR_PG_PORT"],
            pg_user="okr",
            pg_password="okr",
            pg_admin_db="okr",
            mongo_url=f"mongodb://127.0.0.1:{ports['OKR_FERRETDB_PORT']}/",
        )
        return cls(state, env, infra)

    def script(self, component: str, action: str) -> None:
        subprocess.run(
            [str(SCRIPTS / f"{component}.sh"), action],
            env={**os.environ, **self.env},
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self, component: str | None = None) -> None:
        for c in (component,) if component else ("postgres", "ferretdb", "kafka"):
            self.script(c, "start")

    def pids(self, component: str) -> list[int]:
        """The component's processes: the main one and, for PostgreSQL, its backends."""
        pid_file = self.state / "pids" / f"{component}.pid"
        if not pid_file.exists():
            return []
        pid = int(pid_file.read_text().split()[0])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return []
        return [pid, *_children(pid)]

    def signal(self, component: str, sig: signal.Signals) -> None:
        for pid in self.pids(component):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)

    def kill(self, component: str) -> None:
        """`kill -9` of every process of the component, as a machine crash would."""
        pids = self.pids(component)
        self.signal(component, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{p}").exists() for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)

    def pause(self, component: str) -> None:
        self.signal(component, signal.SIGSTOP)

    def resume(self, component: str) -> None:
        self.signal(component, signal.SIGCONT)

    def stop(self) -> None:
        for c in COMPONENTS:
            self.resume(c)
        for c in ("kafka", "ferretdb"):
            self.script(c, "stop")
        self.script("postgres", "clean")
        shutil.rmtree(self.state, ignore_errors=True)
