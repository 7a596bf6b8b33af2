"""`okr audit verify` (tools/okr-cli/okr_cli/audit.py): exit 0 on a sound bundle, non-zero naming
the first bad event on a tampered one; `export` refuses a bad bound."""

from __future__ import annotations

import json

import pytest
from typer import testing as typer_testing

from okr_cli.audit import app
from tests.support.audit import audit_world, copy_bundle, read_lines, write_lines


@pytest.fixture
def bundle(tmp_path):
    world = audit_world()
    world.chain()
    world.chainer.sign_due(force=True)
    world.objective("Unsigned")
    world.chain()
    return world.bundle(tmp_path / "bundle", sign=False)


def test_verify_passes_a_sound_bundle_and_warns_of_the_unsigned_tail(bundle) -> None:
    result = typer_testing.CliRunner().invoke(app, ["verify", str(bundle)])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "events verified" in result.output


def test_verify_fails_a_tampered_bundle_naming_the_event(bundle, tmp_path) -> None:
    copy = copy_bundle(bundle, tmp_path / "tampered")
    path = copy / "goals" / "events.jsonl"
    lines = read_lines(path)
    lines[3] = lines[3].replace('"tenant_id":"acme"}', '"tenant_id":"acme","x":1}')
    write_lines(path, lines)
    result = typer_testing.CliRunner().invoke(app, ["verify", str(copy), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["failure"]["line"] == 4 and report["failure"]["service"] == "goals"


def test_export_refuses_a_bound_that_is_neither_position_nor_time(tmp_path) -> None:
    result = typer_testing.CliRunner().invoke(
        app, ["export", "--tenant", "acme", "--out", str(tmp_path / "b"), "--from", "yesterday"]
    )
    assert result.exit_code != 0 and not (tmp_path / "b").exists()
