"""PNG plots next to the results file: latency p50/p99 against offered rate per scenario, and the
distribution of the projection lag (a CDF)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402


def latency_against_rate(scenarios: dict[str, list[dict[str, Any]]], path: Path) -> Path:
    """One panel per scenario: p50 and p99 latency (from the scheduled send) against the offered
    rate, with the achieved rate on a second axis."""
    fig, axes = plt.subplots(1, len(scenarios), figsize=(5 * len(scenarios), 4), squeeze=False)
    for ax, (name, steps) in zip(axes[0], scenarios.items(), strict=True):
        offered = [s["offered"] for s in steps]
        for p, style in (("p50", "o-"), ("p99", "s--")):
            ax.plot(offered, [s["latency_ms"][p] for s in steps], style, label=p)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("offered rate (/s)")
        ax.set_ylabel("latency from schedule (ms)")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        achieved = ax.twinx()
        achieved.plot(offered, [s["achieved"] for s in steps], "^:", color="grey", label="achieved")
        achieved.set_ylabel("achieved (/s)")
        lines = ax.get_legend_handles_labels()
        more = achieved.get_legend_handles_labels()
        ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def lag_distribution(lags_ms: list[float], title: str, path: Path) -> Path:
    """The cumulative distribution of the lags, with p50 and p99 marked."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ordered = sorted(v for v in lags_ms if not math.isnan(v))
    if ordered:
        fractions = [(i + 1) / len(ordered) for i in range(len(ordered))]
        ax.plot(ordered, fractions, drawstyle="steps-post")
        for p in (0.5, 0.99):
            value = ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]
            ax.axvline(value, linestyle=":", color="grey")
            ax.annotate(f"p{int(p * 100)} {value:.0f} ms", (value, p), fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("lag, accepted → visible in the read model (ms)")
    ax.set_ylabel("fraction of check-ins")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path
