"""The results file: tests/bench/results/latest.md."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def write(rows: list[tuple[str, str]], machine: str) -> None:
    """Writes the figures, with the machine described, and prints them."""
    report = [
        f"# Benchmark results ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {machine}",
        "",
        "Command: `make bench` (tests/bench/run.py). "
        "One run; these machines are noisy, compare ratios.",
        "",
        "| measure | result |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in rows],
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text("\n".join(report))
    print("\n".join(report))
