"""Where the time goes: py-spy samples the running services while check-ins flow (only the thread
holding the GIL: a service is one process, so that is its CPU), and the samples are grouped by
the component the CPU was in (contract validation, the event store, PostgreSQL, token checks,
HTTP, Kafka...) and by the innermost platform function on the stack.

A sample is charged to the innermost frame that belongs to a known component, so time spent in
jsonschema under the platform's save path counts as contract validation, not as the platform.
`python -m tests.bench.profiles LABEL` profiles one short load on its own and writes
tests/bench/results/profiles/LABEL.json, to keep a profile from before a change.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.processes import Process

PROFILES = Path(__file__).parent / "results" / "profiles"
RATE_HZ = 97
TOP = 8

# By the top-level package (or module) of a frame's file; the innermost known one wins.
COMPONENTS: dict[str, tuple[str, ...]] = {
    "contract validation (jsonschema)": (
        "jsonschema",
        "referencing",
        "rpds",
        "jsonschema_specifications",
    ),
    "token verification (PyJWT, cryptography)": ("jwt", "cryptography"),
    "PostgreSQL driver (psycopg)": ("psycopg", "psycopg_pool", "psycopg_binary"),
    "event store (eventsourcing)": ("eventsourcing",),
    "Kafka client (aiokafka)": ("aiokafka", "kafka"),
    "document store driver (pymongo)": ("pymongo", "bson"),
    "validation and serialisation (pydantic)": ("pydantic", "pydantic_core"),
    "HTTP server (uvicorn, starlette, fastapi)": (
        "uvicorn",
        "starlette",
        "fastapi",
        "h11",
        "httptools",
        "anyio",
        "sniffio",
    ),
    "tracing (opentelemetry)": ("opentelemetry",),
    "logging": ("logging",),
    "JSON encoding (json)": ("json",),
    "asyncio event loop": ("asyncio", "selectors.py"),
    "threads and queues": ("threading.py", "queue.py", "concurrent"),
}
PLATFORM = "platform code (okr_*)"
OTHER = "other (standard library, other packages)"
_BY_PACKAGE = {package: name for name, packages in COMPONENTS.items() for package in packages}


def _path(frame: str) -> str:
    return frame.rpartition(" (")[2].rstrip(")")


def component(frame: str) -> str | None:
    """The component a py-spy frame (`function (package/module.py)`) belongs to, if known."""
    top = _path(frame).split("/", 1)[0]
    if top.startswith("okr_"):
        return PLATFORM
    return _BY_PACKAGE.get(top)


@dataclass
class Profile:
    """One process's samples: by component, and by the innermost platform function on the stack
    (its own time and that of the libraries it calls, up to the next platform function)."""

    service: str
    samples: int = 0
    components: Counter[str] = field(default_factory=Counter)
    functions: Counter[str] = field(default_factory=Counter)

    def add(self, stack: list[str], count: int) -> None:
        self.samples += count
        charged = next((c for f in reversed(stack) if (c := component(f))), OTHER)
        self.components[charged] += count
        caller = next((f for f in reversed(stack) if _path(f).startswith("okr_")), None)
        if caller is not None:
            self.functions[caller] += count

    def summary(self) -> dict[str, Any]:
        def share(counter: Counter[str]) -> list[list[Any]]:
            return [
                [name, round(100 * n / self.samples, 1)] for name, n in counter.most_common(TOP)
            ]

        return {
            "service": self.service,
            "samples": self.samples,
            "components": share(self.components) if self.samples else [],
            "functions": share(self.functions) if self.samples else [],
        }


def parse(service: str, lines: Iterable[str]) -> Profile:
    """A profile from py-spy's raw (collapsed) output: `root;...;leaf count` per line."""
    profile = Profile(service)
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            profile.add(stack.split(";"), int(count))
    return profile


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise RuntimeError("py-spy is missing: `make setup` installs it (dev dependencies)")
    return found


@contextmanager
def sampled(processes: Iterable[Process], seconds: int, directory: Path) -> Iterator[list[Any]]:
    """Samples each process for `seconds` while the body runs the load; afterwards the list
    it yields holds each process's summary."""
    directory.mkdir(parents=True, exist_ok=True)
    running = []
    for p in processes:
        out = directory / f"{p.name}.raw"
        command = [py_spy(), "record", "--pid", str(p.proc.pid), "--duration", str(seconds)]
        command += ["--rate", str(RATE_HZ), "--format", "raw", "--nolineno", "--nonblocking"]
        command += ["--gil"]
        spy = subprocess.Popen(
            [*command, "--output", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        running.append((p.name, spy, out))
    summaries: list[Any] = []
    try:
        yield summaries
    finally:
        for name, spy, out in running:
            _, err = spy.communicate(timeout=seconds + 60)
            if spy.returncode != 0 or not out.exists():
                raise RuntimeError(f"py-spy failed on {name}: {err.strip()[-500:]}")
            with out.open() as lines:
                summaries.append(parse(name, lines).summary())


def markdown(current: list[dict[str, Any]], before: dict[str, Any] | None) -> list[str]:
    """The results file's section: this run's top costs per service, and those of the profile
    kept from before the last change, when there is one."""
    lines = ["## Where the time goes", ""]
    runs = [("this run", current)]
    if before:
        runs.append((f"before: {before['label']} ({before['when']})", before["profiles"]))
    for title, profiles in runs:
        for p in profiles:
            lines += [
                f"**{p['service']}**, {title}, {p['samples']} samples "
                f"(py-spy at {RATE_HZ} Hz, threads holding the GIL):",
                "",
                "| component | share | innermost platform function | share |",
                "| --- | --- | --- | --- |",
            ]
            rows = max(len(p["components"]), len(p["functions"]))
            for i in range(rows):
                c = p["components"][i] if i < len(p["components"]) else ("", "")
                f = p["functions"][i] if i < len(p["functions"]) else ("", "")
                lines.append(
                    f"| {c[0]} | {_pct(c[1])} | {f'`{f[0]}`' if f[0] else ''} | {_pct(f[1])} |"
                )
            lines.append("")
    return lines


def _pct(value: Any) -> str:
    return f"{value} %" if value != "" else ""


def kept(directory: Path = PROFILES) -> dict[str, Any] | None:
    """The newest profile kept from before a change (by its `when`), if any."""
    found = [json.loads(p.read_text()) for p in directory.glob("*.json")]
    return max(found, key=lambda d: d["when"], default=None)


def main(label: str) -> None:
    """Profiles one sustained check-in load on a fresh stack; keeps it as LABEL.json."""
    import tempfile
    import uuid
    from datetime import UTC, datetime

    from okr_shared.identity import DevTokenIssuer
    from okr_shared.settings import AuthSettings, KafkaSettings
    from tests.bench import scenarios
    from tests.bench.platform import TENANT, Bench, service_envs
    from tests.support.infra import local_processes

    infra = local_processes()
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    kafka = KafkaSettings(bootstrap_servers=infra.kafka_bootstrap, topic_namespace=namespace)
    token = DevTokenIssuer(AuthSettings()).issue(TENANT, "ceo", ("admin",))
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench(infra, kafka, namespace, token, Path(tmp))
        with scenarios.stack(infra, namespace, *service_envs(bench), token) as s:
            calls = scenarios.CheckIns(scenarios.prepare(s))
            found = scenarios.profiled(s, calls, Path(tmp))
    PROFILES.mkdir(parents=True, exist_ok=True)
    kept_as = PROFILES / f"{label}.json"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    kept_as.write_text(json.dumps({"label": label, "when": when, "profiles": found}, indent=2))
    print("\n".join(markdown(found, None)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "profile")
