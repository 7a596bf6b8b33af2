"""The bench's results file: ratios to baselines, the previous run beside the new one, targets
met, missed or not measured yet, and the plots written as PNGs."""

from __future__ import annotations

import json

from tests.bench import plots
from tests.bench.load import Sent, Step
from tests.bench.results import Figure, Report, median_figure, rewrite_markdown, targets, write
from tests.bench.scenarios import sustained

BASE = median_figure("baseline.es_save.1", "es save", "saves/s", [240, 260, 250])


def report(*figures: Figure) -> Report:
    return Report("test machine", "`python -m tests.bench.run`", [BASE, *figures])


def test_a_baseline_is_the_median_of_its_runs():
    assert (BASE.value, BASE.runs) == (250, (240, 260, 250))


def test_figures_carry_their_ratio_and_the_previous_run(tmp_path):
    first = report(Figure("checkins.http.accepted", "check-ins", 400, "/s", "baseline.es_save.1"))
    write(first, tmp_path)
    second = report(Figure("checkins.http.accepted", "check-ins", 600, "/s", "baseline.es_save.1"))
    text = write(second, tmp_path)
    data = json.loads((tmp_path / "latest.json").read_text())
    assert data["figures"]["checkins.http.accepted"]["value"] == 600
    assert data["figures"]["checkins.http.accepted"]["ratio"] == 2.4
    assert data["previous"]["checkins.http.accepted"]["value"] == 400
    assert "| check-ins | 600 /s | 2.40 × es save | 400 /s |" in text
    assert "test machine" in text and "`python -m tests.bench.run`" in text


def test_a_target_without_its_figure_is_not_measured_yet():
    rows = {t["target"]: t for t in targets(report().by_key())}
    assert {t["status"] for t in rows.values()} == {"not measured yet"}


def test_targets_are_met_or_missed_by_their_figures():
    figures = report(
        Figure("checkins.http.accepted", "check-ins", 600, "/s", "baseline.es_save.1"),
        Figure("http.create", "creates", 120, "/s"),
        Figure("checkins.lag.p50", "p50", 40, "ms"),
        Figure("checkins.lag.p99", "p99", 300, "ms"),
    ).by_key()
    status = {t["target"].split(" ≥")[0].split(" at")[0]: t for t in targets(figures)}
    assert status["end-to-end accept rate of single check-ins"]["status"] == "met"
    assert "2.40 × es save" in status["end-to-end accept rate of single check-ins"]["figure"]
    assert status["objectives created over HTTP"]["status"] == "missed"
    assert status["projection lag"]["status"] == "missed"
    assert status["projection catch-up"]["status"] == "not measured yet"
    assert status["end-to-end accept rate of single check-ins"]["limits"] == ""
    assert "own transaction" in status["objectives created over HTTP"]["limits"]


def test_a_nan_is_written_as_null(tmp_path):
    write(report(Figure("lag.p50", "lag", float("nan"), "ms")), tmp_path)
    assert json.loads((tmp_path / "latest.json").read_text())["figures"]["lag.p50"]["value"] is None


def step(offered: float, achieved: float, p99: float, errors: dict | None = None) -> dict:
    return {
        "offered": offered,
        "achieved": achieved,
        "unsent": 0,
        "errors": errors or {},
        "latency_ms": {"p99": p99},
    }


def test_the_sustained_rate_is_the_best_step_that_kept_up_without_errors():
    steps = [
        step(100, 100, 20),
        step(200, 199, 80),
        step(300, 290, 150),
        step(400, 300, 900),
        step(500, 480, 50, {"503": 1}),
    ]
    assert sustained(steps, p99_ms=100) == 199
    assert sustained(steps) == 290
    assert sustained([step(100, 50, 10)]) == 0
    assert sustained([step(100, 50, 10), step(200, 70, 10)], keep_up=False) == 70


def test_plots_are_written_as_png(tmp_path):
    sent = [Sent(i, i / 100, i / 100, i / 100 + 0.01, 200, None, True) for i in range(10)]
    summary = Step(100, 10, 0.0, sent).summary()
    plots.latency_against_rate({"a": [summary, {**summary, "offered": 200}]}, tmp_path / "l.png")
    plots.lag_distribution([5.0, 10.0, 30.0], "lag", tmp_path / "g.png")
    for name in ("l.png", "g.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_the_markdown_is_written_again_from_the_json(tmp_path):
    write(report(Figure("http.create", "creates", 120, "/s")), tmp_path)
    first = (tmp_path / "latest.md").read_text()
    (tmp_path / "latest.md").write_text("")

    again = rewrite_markdown(tmp_path)

    assert again == first == (tmp_path / "latest.md").read_text()
