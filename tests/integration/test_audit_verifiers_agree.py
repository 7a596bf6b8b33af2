"""The platform's Python verifier (`okr audit verify`) and the independent Go verifier
(tools/audit-verify), both written from ALGORITHM.md, give the same verdict on every scenario:
valid bundles, partial exports and every kind of tampering, naming the same service, file, line
and position."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from okr_shared.audit.bundle import verify_bundle
from tests.support.audit_bundles import (
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
def test_both_verifiers_name_the_same_failure(binary: Path, tmp_path: Path, name: str) -> None:
    scenario = write_scenario(tmp_path, name)
    go = run_go_verifier(binary, scenario.bundle).verdict
    report = verify_bundle(scenario.bundle)
    failure = report.failure
    python = {
        "ok": report.ok,
        "service": failure.service if failure else None,
        "file": failure.file if failure else None,
        "line": failure.line if failure else None,
        "position": failure.position if failure else None,
    }
    assert python == {k: go[k] for k in python}, (failure, go["reason"])
    expected = scenario.expected
    assert python["ok"] is expected.ok and python["line"] == expected.line
    if report.ok:
        assert (sum(report.events.values()), sum(report.unsigned.values())) == (
            go["events"],
            go["unsigned"],
        )
