"""A slow network to one component: the loopback traffic to and from its port shaped by `tc`
(iproute2). This kernel has no netem qdisc, so the link is slowed by rate, with an HTB class
and u32 filters on the port; queueing behind the rate is the delay. No traffic leaves the
machine: only the loopback device is touched, and only packets of the given port."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

DEVICE = "lo"


def _tc(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["tc", *args], check=check, capture_output=True, text=True)


def clear() -> None:
    """Removes any shaping from the loopback device (left by an interrupted run)."""
    _tc("qdisc", "del", "dev", DEVICE, "root", check=False)


@contextmanager
def slowed(port: int, rate: str = "2mbit", burst: str = "16kb") -> Iterator[None]:
    """Packets from and to `port` on loopback pass at most at `rate`; everything else as before."""
    clear()
    _tc("qdisc", "add", "dev", DEVICE, "root", "handle", "1:", "htb", "default", "10")
    _tc("class", "add", "dev", DEVICE, "parent", "1:", "classid", "1:10", "htb", "rate", "40gbit")
    _tc(
        "class", "add", "dev", DEVICE, "parent", "1:", "classid", "1:20", "htb",
        "rate", rate, "ceil", rate, "burst", burst,
    )  # fmt: skip
    try:
        for direction in ("dport", "sport"):
            _tc(
                "filter", "add", "dev", DEVICE, "parent", "1:", "protocol", "ip", "prio", "1",
                "u32", "match", "ip", direction, str(port), "0xffff", "flowid", "1:20",
            )  # fmt: skip
        yield
    finally:
        clear()


def shaped_bytes() -> int:
    """Bytes sent through the slow class so far (0 when there is none): proof the shaping bit."""
    out = _tc("-s", "class", "show", "dev", DEVICE, check=False).stdout
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if "1:20" in line and i + 1 < len(lines) and "Sent" in lines[i + 1]:
            return int(lines[i + 1].split()[1])
    return 0
