"""`make faults`: every fault scenario on a private cluster, each on a fresh platform, and the
report (tests/faults/results/). `--smoke` runs the short version that `make test` runs too.
Exits non-zero when any scenario lost, doubled or diverged anything."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.bench.machine import machine
from tests.faults import network
from tests.faults.cluster import COMPONENTS, Cluster
from tests.faults.load import Rates
from tests.faults.platform import TENANTS, platform
from tests.faults.report import write
from tests.faults.scenarios import (
    Timing,
    every_fault,
    failed_scenario,
    prepare,
    run_scenario,
    smoke_faults,
)

RESULTS = Path(__file__).parent / "results"
STATE = Path(os.environ.get("OKR_STATE", ".state")).resolve() / "faults"


def run(kind: str, faults, rates: Rates, timing: Timing, results: Path = RESULTS) -> dict:
    started = time.monotonic()
    network.clear()
    cluster = Cluster.create(STATE / uuid.uuid4().hex[:8])
    described = machine()
    scenarios = []
    try:
        cluster.start()
        for fault in faults:
            print(f"[faults] {fault.name}", flush=True)
            try:
                with platform(cluster.infra) as p:
                    world = prepare(p)
                    result = asyncio.run(run_scenario(cluster, p, world, fault, rates, timing))
            except Exception as e:  # noqa: BLE001 - the next scenario still runs, this one failed
                traceback.print_exc()
                result = failed_scenario(fault, e)
                _mend(cluster)
            scenarios.append(result)
            print(f"[faults]   {result['failures'] or 'nothing lost, doubled or divergent'}; "
                  f"recovery {result['recovery']}", flush=True)  # fmt: skip
    finally:
        network.clear()
        cluster.stop()
    failed = [s["fault"] for s in scenarios if s["failures"]]
    report = {
        "kind": kind,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": described,
        "rates": vars(rates),
        "tenants": len(TENANTS),
        "seconds": time.monotonic() - started,
        "verdict": "failed: " + ", ".join(failed) if failed else "passed",
        "scenarios": scenarios,
    }
    print(f"[faults] results: {write(report, results)}", flush=True)
    return report


def _mend(cluster: Cluster) -> None:
    """Whatever a failed scenario left broken: shaping removed, every component running."""
    network.clear()
    for c in COMPONENTS:
        cluster.resume(c)
        if not cluster.pids(c):
            cluster.start(c)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="the short scenarios only")
    parser.add_argument("--only", help="only the scenarios whose name contains this text")
    args = parser.parse_args()
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    if args.smoke:
        report = run("smoke", smoke_faults(), Rates(), Timing(warm=3, after=8))
    else:
        faults = [f for f in every_fault() if not args.only or args.only in f.name]
        report = run("faults" if not args.only else "some-faults", faults, Rates(), Timing())
    sys.exit(0 if report["verdict"] == "passed" else 1)


if __name__ == "__main__":
    main()
