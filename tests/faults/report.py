"""The results of a fault run: a JSON file, a markdown table per scenario and a timeline plot per
scenario (writes and errors per second, and consumer lag, against time, the fault marked)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

MUST_BE_ZERO = (
    "lost_in_event_store",
    "lost_on_kafka",
    "lost_in_read_model",
    "doubled",
    "divergent",
)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-").replace("--", "-")


def timeline(result: dict[str, Any], path: Path) -> Path:
    t = result["timeline"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    xs = list(range(len(t["ok"])))
    ax.plot(xs, t["ok"], label="successful writes/s")
    ax.plot(xs, t["errors"], label="failed writes/s", color="tab:red")
    ax.set_xlabel("seconds since the load started")
    ax.set_ylabel("requests/s (by send time)")
    m = result["marks"]
    ax.axvspan(m["injected"], m["healed"], color="grey", alpha=0.2, label="fault")
    lag = ax.twinx()
    lags = [s[1] if s[1] is not None else float("nan") for s in t["lag"]]
    lag.plot([s[0] for s in t["lag"]], lags, ":", color="tab:green", label="consumer lag (records)")
    lag.set_ylabel("consumer lag (records)")
    lines = ax.get_legend_handles_labels()
    more = lag.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="upper right", fontsize=7)
    ax.set_title(result["fault"], fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def _fmt(v: float | None, unit: str = "s") -> str:
    return "not reached" if v is None else f"{v:.1f} {unit}"


def markdown(run: dict[str, Any]) -> str:
    lines = [
        f"# Fault injection: {run['kind']} run of {run['finished']}",
        "",
        f"Machine: {run['machine']}",
        "",
        f"Load: {run['rates']} per second; {run['tenants']} tenants; every request carries an "
        "idempotency key.",
        f"Wall time: {run['seconds']:.0f} s. Verdict: **{run['verdict']}**.",
        "",
        "| fault | writes/s before / during / after | errors/s during | first write after "
        "healing began | lag back to its level before the fault | acknowledged | lost | doubled "
        "| divergent | other findings |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in run["scenarios"]:
        f = r["findings"]
        lost = f["lost_in_event_store"] + f["lost_on_kafka"] + f["lost_in_read_model"]
        other = {k: v for k, v in r["failures"].items() if k not in MUST_BE_ZERO}
        lines.append(
            f"| {r['fault']} | {r['before']['ok_per_s']:.1f} / {r['during']['ok_per_s']:.1f} / "
            f"{r['after']['ok_per_s']:.1f} | {r['during']['errors_per_s']:.1f} | "
            f"{_fmt(r['recovery']['first_write_s'])} | {_fmt(r['recovery']['lag_normal_s'])} | "
            f"{f['acknowledged']} | {lost} | {f['doubled']} | {f['divergent']} | "
            f"{', '.join(f'{k} {v}' for k, v in other.items()) or 'none'} |"
        )
    lines += ["", "Per scenario:", ""]
    for r in run["scenarios"]:
        lines.append(
            f"- **{r['fault']}**: {r['requests']} requests, {r['failed_first']} without a success "
            f"answer at first (retried with their keys: {r['retried'] or 'none'}; never answered: "
            f"{r['never_answered']}); failures {r['answers'] or 'none'}; shed "
            f"{r['shed'] or 'none'}; republished on Kafka "
            f"{r['findings']['republished']} (consumers deduplicate); consumer lag zero "
            f"{_fmt(r['recovery']['quiesce_s'])} after the load and retries ended (lag before "
            f"the fault up to {r['recovery']['lag_before_fault']} records); plot `{r['plot']}`."
        )
        if r.get("relay_pause"):
            lines.append(f"  - relay pause: {r['relay_pause']}")
        if r.get("shaped_bytes") is not None:
            lines.append(f"  - bytes through the slowed link: {r['shaped_bytes']}")
        for e in r["examples"][:5]:
            lines.append(f"  - finding: {e}")
    return "\n".join(lines) + "\n"


def write(run: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for r in run["scenarios"]:
        r["plot"] = timeline(r, directory / f"{run['kind']}-{_slug(r['fault'])}.png").name
    (directory / f"{run['kind']}.json").write_text(json.dumps(run, indent=1, default=str))
    path = directory / f"{run['kind']}.md"
    path.write_text(markdown(run))
    return path
