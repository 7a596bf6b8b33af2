"""The independent Go verifier (tools/audit-verify), built here, on bundles written in Python
from ALGORITHM.md: it accepts the valid ones and names the first bad event of tampered ones."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.audit_bundles import (
    GO_VERIFIER,
    build_go_verifier,
    run_go_verifier,
    scenario_names,
    write_scenario,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert shutil.which("go"), "Go is needed to build tools/audit-verify"
    return build_go_verifier(tmp_path_factory.mktemp("go-audit-verify"))


@pytest.mark.parametrize("name", scenario_names())
def test_the_go_verifier_gives_each_scenarios_verdict(
    binary: Path, tmp_path: Path, name: str
) -> None:
    scenario = write_scenario(tmp_path, name)
    expected = scenario.expected
    result = run_go_verifier(binary, scenario.bundle)
    verdict = result.verdict
    assert result.exit_code == (0 if expected.ok else 1), result.stdout + result.stderr
    named = {k: verdict[k] for k in ("ok", "service", "file", "line", "position")}
    assert named == {
        "ok": expected.ok,
        "service": expected.service,
        "file": expected.file,
        "line": expected.line,
        "position": expected.position,
    }, verdict["reason"]
    if expected.ok:
        assert (verdict["events"], verdict["unsigned"]) == (expected.events, expected.unsigned)


def test_the_text_output_names_the_failure(binary: Path, tmp_path: Path) -> None:
    removed = write_scenario(tmp_path, "removed_event")
    result = run_go_verifier(binary, removed.bundle, as_json=False)
    assert result.exit_code == 1
    assert result.stdout.startswith("FAIL goals position 5 line 3: ")
    valid = write_scenario(tmp_path, "valid")
    result = run_go_verifier(binary, valid.bundle, as_json=False)
    assert (result.exit_code, result.stdout) == (
        0,
        "ok: 10 events in 2 services verified, 2 unsigned\n",
    )
    assert "goals: 1 events are chained but not signed yet" in result.stderr


def test_a_bundle_without_its_manifest_is_unreadable(binary: Path, tmp_path: Path) -> None:
    bundle = write_scenario(tmp_path, "valid").bundle
    (bundle / "manifest.json").unlink()
    result = run_go_verifier(binary, bundle)
    assert result.exit_code == 2
    assert result.verdict["ok"] is False and "unreadable bundle" in result.verdict["reason"]


def test_the_go_unit_tests_pass(binary: Path) -> None:
    done = subprocess.run(
        ["go", "test", "-buildvcs=false", "./..."],
        cwd=GO_VERIFIER,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
