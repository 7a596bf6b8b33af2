"""The faults, one at a time and several at once, and the run of one scenario: the platform
under load, the fault injected and healed, the failed requests retried with their keys, the
platform quiesced, and the checker's findings with the timeline."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
import zlib
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg

from tests.bench.scenarios import objective_body
from tests.faults import network
from tests.faults.checker import Findings, check, group_lag, poison, quiesce
from tests.faults.cluster import Cluster
from tests.faults.load import Generator, Ledger, Rates, Streams, World
from tests.faults.platform import TENANTS, Platform
from tests.support.infra import pg_conninfo
from tests.support.org import CYCLE

SERVICES = ("goals", "checkins", "projections", "reviews", "incentives")
RELAYS = ("goals-relay-1", "goals-relay-2")


@dataclass(frozen=True)
class Fault:
    """What to break (`inject`) and how to mend it (`heal`), on the cluster and the platform."""

    name: str
    inject: Callable[[Cluster, Platform, dict[str, Any]], None]
    heal: Callable[[Cluster, Platform, dict[str, Any]], None]
    hold: float = 10.0
    """Seconds between injecting and healing."""


def _kill_service(name: str) -> Fault:
    names = RELAYS if name == "goals-relays" else (name,)
    return Fault(
        f"kill -9 {name}",
        lambda c, p, s: [p.services[n].process.kill() for n in names],
        lambda c, p, s: [_restart(p, n) for n in names],
        hold=3.0,
    )


def _restart(p: Platform, name: str) -> None:
    p.services[name].start()
    p.services[name].wait()


def _kill_infra(component: str) -> Fault:
    return Fault(
        f"kill -9 {component}",
        lambda c, p, s: c.kill(component),
        lambda c, p, s: c.start(component),
        hold=3.0,
    )


def _pause_service(name: str, hold: float = 15.0) -> Fault:
    return Fault(
        f"SIGSTOP {name}",
        lambda c, p, s: p.services[name].pause(),
        lambda c, p, s: p.services[name].resume(),
        hold=hold,
    )


def _pause_infra(component: str, hold: float = 15.0) -> Fault:
    return Fault(
        f"SIGSTOP {component}",
        lambda c, p, s: c.pause(component),
        lambda c, p, s: c.resume(component),
        hold=hold,
    )


def relay_leader(p: Platform) -> str | None:
    """Which relay replica holds the goal relay's lock, from PostgreSQL's lock table and the
    sockets of the processes (`ss`)."""
    key = zlib.crc32(b"okr:goals-relay")
    with psycopg.connect(pg_conninfo(p.infra, p.databases["goals"])) as conn:
        row = conn.execute(
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = %s",
            (key,),
        ).fetchone()
    if not row:
        return None
    ss = subprocess.run(["ss", "-tnpH"], capture_output=True, text=True).stdout
    for line in ss.splitlines():
        if re.search(rf"127\.0\.0\.1:{row[0]}\s", line):
            for name in RELAYS:
                proc = p.services[name].process.proc
                if proc and f"pid={proc.pid}," in line:
                    return name
    return None


def _pause_leader(hold: float = 15.0) -> Fault:
    def inject(c: Cluster, p: Platform, state: dict[str, Any]) -> None:
        state["paused"] = relay_leader(p)
        state["leads_before"] = times_led(p, state["paused"])
        p.services[state["paused"]].pause()

    def heal(c: Cluster, p: Platform, state: dict[str, Any]) -> None:
        state["leader_during_pause"] = relay_leader(p)
        p.services[state["paused"]].resume()

    return Fault("SIGSTOP the relay leader of two", inject, heal, hold=hold)


def times_led(p: Platform, relay: str | None) -> int:
    """How often the relay process has logged that it took the lead (its log, from outside)."""
    if relay is None:
        return 0
    text = p.services[relay].process.log_path.read_text(errors="replace")
    return text.count("outbox relay goals-relay leads")


def _slow(component: str, hold: float = 15.0) -> Fault:
    def inject(c: Cluster, p: Platform, state: dict[str, Any]) -> None:
        port = c.infra.pg_port if component == "postgres" else int(c.env["OKR_KAFKA_PORT"])
        state["shaping"] = ExitStack()
        state["shaping"].enter_context(network.slowed(port))

    def heal(c: Cluster, p: Platform, state: dict[str, Any]) -> None:
        state["shaped_bytes"] = network.shaped_bytes()
        state["shaping"].close()

    return Fault(f"slow network to {component} (2 Mbit/s)", inject, heal, hold=hold)


def _together(*faults: Fault) -> Fault:
    return Fault(
        " + ".join(f.name for f in faults),
        lambda c, p, s: [f.inject(c, p, s) for f in faults],
        lambda c, p, s: [f.heal(c, p, s) for f in reversed(faults)],
        hold=max(f.hold for f in faults),
    )


def every_fault() -> list[Fault]:
    return [
        *(_kill_service(s) for s in (*SERVICES, "goals-relays")),
        *(_kill_infra(c) for c in ("kafka", "postgres", "ferretdb")),
        *(_pause_service(s) for s in SERVICES),
        *(_pause_infra(c) for c in ("kafka", "postgres", "ferretdb")),
        _pause_leader(),
        _slow("kafka"),
        _slow("postgres"),
        _together(_kill_service("checkins"), _kill_infra("kafka")),
        _together(_pause_infra("postgres"), _kill_service("projections")),
        _together(_kill_service("goals-relays"), _pause_infra("ferretdb"), _slow("kafka")),
    ]


def smoke_faults() -> list[Fault]:
    return [_kill_service("checkins"), _kill_infra("postgres"), _pause_infra("kafka")]


def prepare(p: Platform, objectives: int = 2) -> World:
    """Every tenant's cycle active, `objectives` objectives of 3 key results each, every key
    result known to the check-in service."""
    headers = {t: p.headers(t) for t in TENANTS}
    key_results: dict[str, list[tuple[str, str]]] = {}
    with httpx.Client(timeout=30) as client:
        for tenant in TENANTS:
            h = headers[tenant]
            client.post(
                f"{p.url('goals')}/v1/cycles/{CYCLE}/state",
                json={"state": "active", "reason": "faults"},
                headers=h,
            ).raise_for_status()
            krs = []
            for i in range(objectives):
                r = client.post(
                    f"{p.url('goals')}/v1/objectives", json=objective_body(i), headers=h
                )
                r.raise_for_status()
                o = r.json()
                krs += [(o["objective_id"], k["key_result_id"]) for k in o["key_results"]]
            key_results[tenant] = krs
        deadline = time.monotonic() + 180
        for tenant, krs in key_results.items():
            for _, kr in krs:
                body = {
                    "key_result_id": kr,
                    "value": 1,
                    "confidence": 7,
                    "effective_at": "2026-01-02T00:00:00Z",
                }
                while (
                    client.post(
                        f"{p.url('checkins')}/v1/check-ins", json=body, headers=headers[tenant]
                    ).status_code
                    != 201
                ):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"the check-in service never learned of {kr}")
                    time.sleep(0.2)
    return World(headers, key_results)


@dataclass(frozen=True)
class Timing:
    warm: float = 5.0
    after: float = 15.0


async def _sample_lag(p: Platform, ledger: Ledger, samples: list, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            lag = sum(
                (
                    await asyncio.wait_for(
                        group_lag(p.infra.kafka_bootstrap, list(p.groups.values())), 2
                    )
                ).values()
            )
        except Exception:  # noqa: BLE001 - Kafka down or paused: no sample
            lag = None
        samples.append((ledger.now(), lag))
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


async def run_scenario(
    cluster: Cluster, p: Platform, world: World, fault: Fault, rates: Rates, timing: Timing
) -> dict[str, Any]:
    ledger = Ledger(datetime.now(UTC), time.monotonic())
    poisoned = await poison(p)
    gen = Generator({"goals": p.url("goals"), "checkins": p.url("checkins")}, world, ledger)
    streams = Streams(world, CYCLE)
    state: dict[str, Any] = {}
    marks: dict[str, float] = {}
    lag_samples: list[tuple[float, int | None]] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_lag(p, ledger, lag_samples, stop))
    done = asyncio.Event()

    async def faults() -> None:
        await asyncio.sleep(timing.warm)
        marks["instant"] = ledger.now()
        await asyncio.to_thread(fault.inject, cluster, p, state)
        marks["injected"] = ledger.now()
        await asyncio.sleep(fault.hold)
        marks["healing"] = ledger.now()
        await asyncio.to_thread(fault.heal, cluster, p, state)
        marks["healed"] = ledger.now()
        await asyncio.sleep(timing.after)
        done.set()

    await asyncio.gather(
        gen.stream(streams.check_in, rates.check_ins, done),
        gen.stream(streams.feed, rates.feed_batches, done),
        gen.stream(streams.objective, rates.objectives, done),
        faults(),
    )
    marks["load_end"] = ledger.now()
    first_failures = len(ledger.unanswered)
    left = await gen.retry_unanswered()
    marks["retried"] = ledger.now()
    settle = await quiesce(p, ledger)
    marks["quiet"] = ledger.now()
    stop.set()
    await sampler
    if settle is not None:
        lag_samples.append((marks["quiet"], 0))
    state["leads_after_wake"] = times_led(p, state["paused"]) if state.get("paused") else None
    findings = await check(p, world, ledger, poisoned, ledger.wall(marks["instant"]))
    await gen.close()
    return _summary(
        fault, ledger, marks, lag_samples, findings, first_failures, left, settle, state
    )


def _summary(
    fault, ledger, marks, lag_samples, findings: Findings, first_failures, left, settle, state
):
    def window(a: float, b: float) -> dict[str, float]:
        inside = [o for o in ledger.outcomes if a <= o.sent < b]
        seconds = max(b - a, 1e-9)
        return {
            "ok_per_s": sum(o.ok for o in inside) / seconds,
            "errors_per_s": sum(not o.ok for o in inside) / seconds,
        }

    first_ok = _recovered(ledger, marks)
    before = [lag for t, lag in lag_samples if t < marks["injected"] and lag is not None]
    normal = max(before, default=0)
    back = next(
        (
            t
            for t, lag in lag_samples
            if t >= marks["healing"] and lag is not None and lag <= normal
        ),
        None,
    )
    pause, failures = None, findings.failures
    internal = sum(
        1 for o in ledger.outcomes if o.status is not None and o.status >= 500 and o.status != 503
    )
    if internal:
        failures = {**failures, "internal_errors": internal}
    if state.get("paused"):
        pause = {
            "paused": state["paused"],
            "leader_during_pause": state.get("leader_during_pause"),
            "led_after_wake": state["leads_after_wake"] - state["leads_before"],
        }
        if pause["leader_during_pause"] in (None, pause["paused"]) or pause["led_after_wake"]:
            failures = {**findings.failures, "relay_takeover_wrong": 1}
    return {
        "fault": fault.name,
        "marks": marks,
        "before": window(0, marks["injected"]),
        "during": window(marks["injected"], marks["healed"]),
        "after": window(marks["healed"], marks["load_end"]),
        "requests": len(ledger.outcomes),
        "answers": _answers(ledger),
        "shed": dict(ledger.shed),
        "failed_first": first_failures,
        "retried": dict(ledger.retried),
        "never_answered": left,
        "recovery": {
            "first_write_s": first_ok,
            "lag_normal_s": None if back is None else back - marks["healing"],
            "lag_before_fault": normal,
            "quiesce_s": settle,
        },
        "findings": {k: v for k, v in vars(findings).items() if k != "examples"},
        "examples": findings.examples,
        "failures": failures,
        "relay_pause": pause,
        "shaped_bytes": state.get("shaped_bytes"),
        "timeline": _timeline(ledger, lag_samples),
    }


def _answers(ledger: Ledger) -> dict[str, int]:
    """How many attempts got each failure answer, by stream: a status or the client's error."""
    counts = Counter(f"{o.request.kind} {o.status or o.error}" for o in ledger.outcomes if not o.ok)
    return dict(counts.most_common())


def _recovered(ledger: Ledger, marks: dict[str, float]) -> float | None:
    """Seconds from the start of healing to the first success of every stream that failed
    during the fault (0 when none failed; None when one never succeeded again)."""
    hit = {
        o.request.kind
        for o in ledger.outcomes
        if not o.ok and marks["injected"] <= o.sent < marks["healed"]
    }
    worst = 0.0
    for kind in hit:
        oks = [
            o.answered
            for o in ledger.outcomes
            if o.request.kind == kind and o.ok and o.sent >= marks["healing"]
        ]
        if not oks:
            return None
        worst = max(worst, min(oks) - marks["healing"])
    return worst


def _timeline(ledger: Ledger, lag_samples) -> dict[str, list]:
    end = int(max((o.answered for o in ledger.outcomes), default=0)) + 1
    ok, errors = [0] * end, [0] * end
    for o in ledger.outcomes:
        bucket = min(int(o.sent), end - 1)
        (ok if o.ok else errors)[bucket] += 1
    return {"ok": ok, "errors": errors, "lag": [[t, lag] for t, lag in lag_samples]}


def failed_scenario(fault: Fault, error: Exception) -> dict[str, Any]:
    """The result of a scenario the harness could not finish: a failure, with its reason."""
    empty = {"ok_per_s": 0.0, "errors_per_s": 0.0}
    return {
        "fault": fault.name,
        "marks": {"injected": 0, "healed": 0},
        "before": empty,
        "during": empty,
        "after": empty,
        "requests": 0,
        "answers": {},
        "shed": {},
        "failed_first": 0,
        "retried": {},
        "never_answered": 0,
        "recovery": {
            "first_write_s": None,
            "lag_normal_s": None,
            "lag_before_fault": 0,
            "quiesce_s": None,
        },  # fmt: skip
        "findings": {k: 0 for k in vars(Findings())},
        "examples": [f"the scenario did not finish: {type(error).__name__}: {error}"[:500]],
        "failures": {"unfinished": 1},
        "relay_pause": None,
        "shaped_bytes": None,
        "timeline": {"ok": [], "errors": [], "lag": []},
    }
