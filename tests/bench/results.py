"""The results file: tests/bench/results/latest.md and latest.json.

Every figure has a stable key; a platform figure names the key of the baseline it is compared
with, and is reported as an absolute and as a ratio to it. The previous run's latest.json is read
before it is overwritten, so each figure stands beside its previous value. The issue's targets
are checked against the figures by key: a target whose figures are missing is "not measured
yet" (a measure added later plugs in by producing a figure under that key).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any

from tests.bench import profiles

RESULTS = Path(__file__).parent / "results"


@dataclass(frozen=True)
class Figure:
    """One measured figure; `runs` holds the repetitions when `value` is their median."""

    key: str
    label: str
    value: float
    unit: str
    baseline: str | None = None
    runs: tuple[float, ...] = ()
    note: str = ""


def median_figure(key: str, label: str, unit: str, runs: Iterable[float], **kw: Any) -> Figure:
    values = tuple(runs)
    return Figure(key, label, median(values), unit, runs=values, **kw)


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    digits = 1 if abs(value) < 100 else 0
    return f"{value:,.{digits}f} {unit}".strip()


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: `check` answers (met, what the figures show), or None while
    a figure it needs is missing."""

    text: str
    check: Callable[[dict[str, Figure]], tuple[bool, str] | None]
    limits: str = ""
    """What holds the figure back when the target is missed, as the profiles and baselines of
    the run show it."""


def at_least(key: str, limit: float) -> Callable[[dict[str, Figure]], tuple[bool, str] | None]:
    def check(figures: dict[str, Figure]) -> tuple[bool, str] | None:
        f = figures.get(key)
        return None if f is None else (f.value >= limit, _fmt(f.value, f.unit))

    return check


def at_most(*limits: tuple[str, float]) -> Callable[[dict[str, Figure]], tuple[bool, str] | None]:
    def check(figures: dict[str, Figure]) -> tuple[bool, str] | None:
        if any(k not in figures for k, _ in limits):
            return None
        shown = ", ".join(
            f"{figures[k].label}: {_fmt(figures[k].value, figures[k].unit)}" for k, _ in limits
        )
        return all(figures[k].value <= limit for k, limit in limits), shown

    return check


def ratio_at_least(
    key: str, limit: float
) -> Callable[[dict[str, Figure]], tuple[bool, str] | None]:
    def check(figures: dict[str, Figure]) -> tuple[bool, str] | None:
        r = ratio(figures, key)
        if r is None:
            return None
        f = figures[key]
        return r >= limit, f"{_fmt(f.value, f.unit)} = {r:.2f} × {figures[f.baseline].label}"

    return check


TARGETS = [
    Target(
        "single check-ins over HTTP ≥ 500/s sustained at concurrency 32, p99 ≤ 100 ms, 0 errors",
        at_least("checkins.http.sustained", 500),
        "one service process is CPU-bound (one core at most: the GIL): the HTTP stack, token "
        "checks, knowledge reads, contract validation and the commit (Where the time goes, "
        "bench-checkins); replicas add cores (the scale-out figures)",
    ),
    Target(
        "integration feed ≥ 5,000 KR values/s in batches of 100",
        at_least("feed.values", 5000),
        "each value is a whole check-in command (validation, the key result's aggregate, the "
        "contract check) in the same CPU-bound process; a batch commits once",
    ),
    Target(
        "objectives created over HTTP ≥ 300/s",
        at_least("http.create", 300),
        "the goal service commits each create in its own transaction (no group commit there "
        "yet), so the eventsourcing minimal save bounds it, and its process is CPU-bound",
    ),
    Target(
        "end-to-end accept rate of single check-ins ≥ 2 × the eventsourcing minimal save",
        ratio_at_least("checkins.http.accepted", 2),
        "one service process is CPU-bound (one core at most: the GIL): the HTTP stack, token "
        "checks, knowledge reads, contract validation and the commit (Where the time goes, "
        "bench-checkins); replicas add cores (the scale-out figures)",
    ),
    Target(
        "projection lag at a sustained 200 check-ins/s: p50 ≤ 50 ms, p99 ≤ 250 ms",
        at_most(("checkins.lag.p50", 50), ("checkins.lag.p99", 250)),
        "the projections fold check-ins far slower than the check-in service accepts them: "
        "one check-in at a time is seen in about 100 ms (the sequential figure), but just after "
        "the 300 check-ins of the preparation even 20/s waits behind them (the lag at 20/s), "
        "and at 200/s most writes are not seen within 30 s; the check-in fold is the next "
        "thing to profile (the profile below shows the service under load, not the fold alone)",
    ),
    Target(
        "projection catch-up ≥ 5,000 events/s",
        at_least("projections.catch_up", 5000),
        "document-store writes on FerretDB (SQLite) and the contract check of every consumed "
        "event (Where the time goes, bench-projections)",
    ),
    Target(
        "read-model rebuild from the event stores ≥ 20,000 events/s",
        at_least("rebuild.events", 20000),
        "FerretDB's writes (see the document-store baseline) and folding each event in Python",
    ),
    Target(
        "alignment tree of a 10,000-objective cycle as of any instant ≤ 1 s",
        at_most(("tree10000.as_of", 1000)),
        "the tree is rebuilt from every objective's events as of the instant (one event-store "
        "read per objective); there is no checkpoint of the tree itself yet",
    ),
    Target(
        "one objective with 10,000 events as of any version ≤ 20 ms",
        at_most(("load10k.as_of", 20)),
        "as of a version, the library starts from the snapshot before it (every 200 events) "
        "and replays the events after it, read from PostgreSQL",
    ),
    Target(
        "dashboard and list queries p95 ≤ 50 ms with 200,000 objectives and 50,000 people",
        at_most(("dashboard.p95", 50)),
        "FerretDB 1.24 (SQLite) scans the collection for every filter beyond _id; indexes do "
        "not help it (MongoDB uses them)",
    ),
    Target(
        "each service ≤ 150 MB RSS idle and ≤ 300 MB under load",
        at_most(("rss.idle", 150), ("rss.load", 300)),
        "idle every service holds about 100 MB; the peak is the check-in service's while it is "
        "overloaded (requests queue in it when the offered rate is above what it takes)",
    ),
]


def ratio(figures: dict[str, Figure], key: str) -> float | None:
    f = figures.get(key)
    base = figures.get(f.baseline) if f and f.baseline else None
    if base is None or not base.value:
        return None
    return f.value / base.value


def previous(path: Path) -> dict[str, Any]:
    """The figures of the run before, by key (empty when there was none)."""
    if not path.exists():
        return {}
    return json.loads(path.read_text()).get("figures", {})


@dataclass
class Report:
    machine: str
    command: str
    figures: list[Figure] = field(default_factory=list)
    steps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    plots: list[str] = field(default_factory=list)
    lags_ms: list[float] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    def by_key(self) -> dict[str, Figure]:
        return {f.key: f for f in self.figures}


def targets(figures: dict[str, Figure]) -> list[dict[str, Any]]:
    rows = []
    for t in TARGETS:
        outcome = t.check(figures)
        rows.append(
            {"target": t.text, "status": "not measured yet"}
            if outcome is None
            else {
                "target": t.text,
                "status": "met" if outcome[0] else "missed",
                "figure": outcome[1],
                "limits": "" if outcome[0] else t.limits,
            }
        )
    return rows


def _row(f: Figure, figures: dict[str, Figure], before: dict[str, Any]) -> str:
    r = ratio(figures, f.key)
    base = f"{r:.2f} × {figures[f.baseline].label}" if r is not None else "—"
    prev = before.get(f.key, {}).get("value")
    runs = f" (runs: {', '.join(_fmt(v) for v in f.runs)})" if len(f.runs) > 1 else ""
    note = f" {f.note}" if f.note else ""
    return f"| {f.label} | {_fmt(f.value, f.unit)}{runs}{note} | {base} | {_fmt(prev, f.unit)} |"


def _steps(name: str, steps: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"**{name}** (open loop):",
        "",
        "| offered /s | achieved /s | sent | late starts | p50 ms | p95 ms | p99 ms | max ms "
        "| errors | lag p50/p95/p99 ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for s in steps:
        lat, lag = s["latency_ms"], s["lag_ms"]
        lags = f"{_fmt(lag['p50'])} / {_fmt(lag['p95'])} / {_fmt(lag['p99'])}" + (
            f" ({s['unseen']} never seen)" if s["unseen"] else ""
        )
        errors = ", ".join(f"{k}: {v}" for k, v in s["errors"].items()) or "0"
        lines.append(
            f"| {_fmt(s['offered'])} | {_fmt(s['achieved'])} | {s['sent']} (+{s['unsent']} unsent) "
            f"| {s['late']} | {_fmt(lat['p50'])} | {_fmt(lat['p95'])} | {_fmt(lat['p99'])} "
            f"| {_fmt(lat['max'])} | {errors} | {lags} |"
        )
    return [*lines, ""]


MARK = {"met": "✓", "missed": "✗", "not measured yet": "not measured yet"}


def markdown(report: Report, before: dict[str, Any], when: datetime) -> str:
    figures = report.by_key()
    baselines = [f for f in report.figures if f.key.startswith("baseline.")]
    platform = [f for f in report.figures if not f.key.startswith("baseline.")]
    header = "| measure | result | ratio to baseline | previous |\n| --- | --- | --- | --- |"
    lines = [
        f"# Benchmark results ({when:%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {report.machine}",
        "",
        f"Command: {report.command} ({report.seconds / 60:.1f} minutes). Baselines are the "
        "median of 3 runs; the machine is shared and noisy, so compare ratios.",
        "",
        "## Targets",
        "",
        "| target | status | figure | what limits it |",
        "| --- | --- | --- | --- |",
        *[
            f"| {t['target']} | {MARK[t['status']]} | {t.get('figure', '—')} "
            f"| {t.get('limits') or ''} |"
            for t in targets(figures)
        ],
        "",
        "## Baselines (the same components, without the platform)",
        "",
        header,
        *[_row(f, figures, before) for f in baselines],
        "",
        "## Platform",
        "",
        header,
        *[_row(f, figures, before) for f in platform],
        "",
    ]
    for name, steps in report.steps.items():
        lines += _steps(name, steps)
    if report.profiles:
        lines += profiles.markdown(report.profiles, profiles.kept())
    lines += [f"![{p}]({p})" for p in report.plots]
    return "\n".join(lines) + "\n"


def _clean(value: Any) -> Any:
    """NaN (nothing measured) as null: JSON has no NaN."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def write(report: Report, directory: Path = RESULTS) -> str:
    """Writes latest.md and latest.json (reading the previous latest.json first); returns the
    markdown."""
    directory.mkdir(parents=True, exist_ok=True)
    before = previous(directory / "latest.json")
    when = datetime.now(UTC)
    text = markdown(report, before, when)
    figures = report.by_key()
    data = {
        "when": when.isoformat(),
        "machine": report.machine,
        "command": report.command,
        "seconds": report.seconds,
        "figures": {f.key: {**asdict(f), "ratio": ratio(figures, f.key)} for f in report.figures},
        "previous": before,
        "targets": targets(figures),
        "steps": report.steps,
        "profiles": report.profiles,
    }
    text_json = json.dumps(_clean(data), indent=2, ensure_ascii=False)
    (directory / "latest.json").write_text(text_json + "\n")
    (directory / "latest.md").write_text(text)
    return text


def rewrite_markdown(directory: Path = RESULTS) -> str:
    """Writes latest.md again from latest.json (its figures, steps and previous run), judging
    the targets as the code now does; the figures themselves are not measured again."""
    data = json.loads((directory / "latest.json").read_text())
    report = Report(
        data["machine"],
        data["command"],
        [Figure(**{k: v for k, v in f.items() if k != "ratio"}) for f in data["figures"].values()],
        data["steps"],
        [p for p in ("latency.png", "lag.png") if (directory / p).exists()],
        profiles=data.get("profiles", []),
        seconds=data["seconds"],
    )
    text = markdown(report, data["previous"], datetime.fromisoformat(data["when"]))
    data["targets"] = targets(report.by_key())
    (directory / "latest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    (directory / "latest.md").write_text(text)
    return text
