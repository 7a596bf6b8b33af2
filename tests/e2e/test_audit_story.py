"""An auditor's story on the real stack: the goal and check-in services chain their events, an
auditor exports the tenant's bundle over HTTP and it verifies offline (a tampered copy does not),
the reads are in the read log an admin lists, and the auditor can write nothing."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import httpx
import psycopg
import pytest
from typer.testing import CliRunner

from okr_cli.main import app as okr
from okr_shared.audit.bundle import verify_bundle
from okr_shared.audit.export import export_bundle
from tests.support.audit import copy_bundle, read_lines, write_lines
from tests.support.audit_bundles import build_go_verifier, comparable, run_go_verifier
from tests.support.processes import wait_for

OBJECTIVE = {
    "title": "Audited growth",
    "owner_type": "org_unit",
    "owner_id": "acme",
    "level": "company",
    "cycle_id": "2026-Q1",
    "key_results": [{"title": "ARR", "kind": "increase_to", "start": 1, "target": 2}],
}


def token(tenant, *roles: str, actor: str) -> str:
    return tenant.issuer.issue(tenant.tenant, actor, roles=roles)


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def chained(url: str, headers: dict[str, str], contains: str) -> dict | None:
    """The service's verification once an event naming `contains` is chained."""
    page = httpx.get(f"{url}/v1/audit/events", params={"limit": 1000}, headers=headers).json()
    lines = "".join(e["line"] for e in page.get("events", []) if e["hash"])
    if contains not in lines:
        return None
    return httpx.get(f"{url}/v1/audit/verify", headers=headers).json()


@pytest.fixture(scope="module")
def story(stack, tenant, tmp_path_factory):
    admin = tenant.admin
    r = httpx.post(f"{stack.goals_url}/v1/objectives", json=OBJECTIVE, headers=admin)
    assert r.status_code == 201, r.text
    objective_id = r.json()["objective_id"]
    cadence = {"cadence": "weekly", "reason": "audit story"}
    r = httpx.put(f"{stack.checkins_url}/v1/cadences/tenant", json=cadence, headers=admin)
    assert r.status_code == 200, r.text
    auditor = token(tenant, "auditor", actor="auditor-7")
    goals = wait_for(lambda: chained(stack.goals_url, bearer(auditor), objective_id), 60)
    checkins = wait_for(lambda: chained(stack.checkins_url, bearer(auditor), "CadenceSet"), 60)
    bundle = export_bundle(
        tenant.tenant,
        {"goals": stack.goals_url, "checkins": stack.checkins_url},
        tmp_path_factory.mktemp("audit") / "bundle",
        token=auditor,
    )
    return {
        "objective_id": objective_id,
        "auditor": auditor,
        "bundle": bundle,
        "online": {"goals": goals, "checkins": checkins},
    }


def test_both_services_verify_online(story) -> None:
    for service, report in story["online"].items():
        assert report["ok"], (service, report["failures"])
        assert report["events"] > 0


@pytest.fixture(scope="module")
def go_verifier(tmp_path_factory) -> Path:
    assert shutil.which("go"), "Go is needed to build tools/audit-verify"
    return build_go_verifier(tmp_path_factory.mktemp("go-audit-verify"))


def test_the_exported_bundle_verifies_offline(story, go_verifier) -> None:
    report = verify_bundle(story["bundle"])
    assert report.ok, report.failure
    go = run_go_verifier(go_verifier, story["bundle"])
    assert go.exit_code == 0 and go.verdict["ok"], go.stdout + go.stderr
    assert go.verdict["events"] == sum(report.events.values())
    assert go.verdict["unsigned"] == 0 and set(report.unsigned.values()) == {0}, "signed at export"
    manifest = json.loads((story["bundle"] / "manifest.json").read_text())
    counts = {s["service"]: s["events"] for s in manifest["services"]}
    assert counts["goals"] > 0 and counts["checkins"] > 0
    goals_lines = (story["bundle"] / "goals" / "events.jsonl").read_text()
    assert story["objective_id"] in goals_lines


def test_a_tampered_copy_fails_both_verifiers_at_the_changed_event(
    story, tmp_path, go_verifier
) -> None:
    copy = copy_bundle(story["bundle"], tmp_path / "tampered")
    path = copy / "checkins" / "events.jsonl"
    lines = read_lines(path)
    at = next(n for n, line in enumerate(lines) if "CadenceSet" in line)
    lines[at] = lines[at].replace('"cadence":"weekly"', '"cadence":"monthly"')
    write_lines(path, lines)
    report = verify_bundle(copy)
    assert not report.ok
    assert (report.failure.service, report.failure.line) == ("checkins", at + 1)
    go = run_go_verifier(go_verifier, copy)
    assert go.exit_code == 1
    assert comparable(go.verdict) == {
        "ok": False,
        "service": "checkins",
        "position": report.failure.position,
        "line": at + 1,
    }


def test_the_auditors_reads_are_listed_to_an_admin_only(stack, tenant, story) -> None:
    r = httpx.get(f"{stack.goals_url}/v1/audit/reads", headers=tenant.admin)
    assert r.status_code == 200, r.text
    routes = {(x["actor_id"], x["route"]) for x in r.json()}
    assert ("auditor-7", "/v1/audit/events") in routes
    assert ("auditor-7", "/v1/audit/checkpoints") in routes
    r = httpx.get(f"{stack.checkins_url}/v1/audit/reads", headers=bearer(story["auditor"]))
    assert r.status_code == 403


def test_an_auditor_reads_history_recorded_but_cannot_write(stack, tenant, story) -> None:
    auditor = bearer(story["auditor"])
    objective_id = story["objective_id"]
    r = httpx.get(f"{stack.goals_url}/v1/objectives/{objective_id}/history", headers=auditor)
    assert r.status_code == 200 and r.json()
    reads = httpx.get(f"{stack.goals_url}/v1/audit/reads", headers=tenant.admin).json()
    assert reads[1]["objective_id"] == objective_id and reads[1]["actor_id"] == "auditor-7"
    r = httpx.post(f"{stack.goals_url}/v1/objectives", json=OBJECTIVE, headers=auditor)
    assert r.status_code == 403, r.text
    cadence = {"cadence": "monthly", "reason": "an auditor tries"}
    r = httpx.put(f"{stack.checkins_url}/v1/cadences/tenant", json=cadence, headers=auditor)
    assert r.status_code == 403, r.text


def test_an_sql_edit_of_a_stored_event_is_named_by_okr_audit_verify(stack, tenant, story) -> None:
    """Last in the module: it edits the goal service's event store behind its back."""
    env, infra = stack.goals.env, stack.infra
    conninfo = (
        f"host={infra.pg_host} port={infra.pg_port} user={infra.pg_user} "
        f"password={infra.pg_password} dbname={env['GOALS_POSTGRES_DBNAME']}"
    )
    with psycopg.connect(conninfo) as conn:
        (position,) = conn.execute(
            "SELECT notification_id FROM goals_events WHERE originator_id = %s "
            "AND originator_version = 1",
            (uuid.UUID(story["objective_id"]),),
        ).fetchone()
        changed = conn.execute(
            "UPDATE goals_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            "'Audited growth', 'Audited profit'), 'UTF8') WHERE notification_id = %s",
            (position,),
        ).rowcount
    assert changed == 1
    args = ["audit", "verify", "--online", "--tenant", tenant.tenant, "--token", story["auditor"]]
    args += ["--service", f"goals={stack.goals_url}", "--service", f"checkins={stack.checkins_url}"]
    result = CliRunner().invoke(okr, args)
    assert result.exit_code == 1, result.output
    assert f"FAIL goals position {position} (changed, aggregate {story['objective_id']} v1)" in (
        result.output
    )
    assert "ok: checkins" in result.output
