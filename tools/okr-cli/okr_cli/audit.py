"""`okr audit export` and `okr audit verify`: a tenant's audit bundle taken from the write
services' HTTP audit routes, and verified offline (okr-audit-bundle/1)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer

from okr_cli.output import UNREACHABLE, CliError, emit_json
from okr_shared.audit.bundle import verify_bundle
from okr_shared.audit.export import ExportFailed, export_bundle

app = typer.Typer(help="The tamper-evident history: export a tenant's bundle, verify one offline.")

SERVICES = {"goals": 8001, "checkins": 8002, "reviews": 8003, "incentives": 8004}


def _bound(value: str | None) -> int | datetime | None:
    """A position (digits) or an ISO 8601 time with an offset."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is neither a position nor an ISO 8601 time") from exc
    if at.tzinfo is None:
        raise typer.BadParameter(f"{value!r} needs a time-zone offset, e.g. Z")
    return at


def _urls(services: list[str]) -> dict[str, str]:
    """Each service's base URL: NAME=URL as given, else OKR_<NAME>_URL, else localhost."""
    urls = {}
    for item in services or list(SERVICES):
        name, _, url = item.partition("=")
        if name not in SERVICES:
            raise typer.BadParameter(f"unknown service {name!r}; one of {', '.join(SERVICES)}")
        urls[name] = url or os.environ.get(
            f"OKR_{name.upper()}_URL", f"http://127.0.0.1:{SERVICES[name]}"
        )
    return urls


def _token(tenant: str, token: str | None) -> str:
    if token:
        return token
    from okr_shared.settings import AuthSettings, development_mode

    if not development_mode():
        raise CliError("give --token (or OKR_TOKEN): an auditor's or admin's token", 2)
    from okr_shared.identity import DevTokenIssuer

    return DevTokenIssuer(AuthSettings()).issue(tenant, "okr-cli-auditor", roles=("auditor",))


@app.command()
def export(
    tenant: Annotated[str, typer.Option(help="The tenant whose history is exported")],
    out: Annotated[Path, typer.Option(help="The bundle directory to write")],
    from_: Annotated[
        str | None, typer.Option("--from", help="A position or an ISO 8601 time")
    ] = None,
    to: Annotated[str | None, typer.Option(help="A position or an ISO 8601 time")] = None,
    service: Annotated[
        list[str] | None, typer.Option(help="NAME or NAME=URL; every write service if absent")
    ] = None,
    token: Annotated[str | None, typer.Option(envvar="OKR_TOKEN", help="Bearer token")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Writes the tenant's audit bundle, read through the services' audit routes; without --to
    each service first signs its chain as far as it is chained, so the bundle ends signed."""
    try:
        path = export_bundle(
            tenant, _urls(service or []), out, _bound(from_), _bound(to), _token(tenant, token)
        )
    except ExportFailed as exc:
        raise CliError(str(exc), UNREACHABLE) from exc
    manifest = json.loads((path / "manifest.json").read_text())
    if as_json:
        emit_json({"bundle": str(path), "services": manifest["services"]})
        return
    for entry in manifest["services"]:
        typer.echo(f"{entry['service']}: {entry['events']} events")
    typer.echo(f"bundle written to {path}")


@app.command()
def verify(
    bundle: Annotated[
        Path | None, typer.Argument(help="The bundle directory (offline verification)")
    ] = None,
    trust_key: Annotated[
        list[str] | None,
        typer.Option(help="A key id the checkpoints must be signed with (repeatable)"),
    ] = None,
    online: Annotated[
        bool, typer.Option(help="Verify the services' stores instead, through their routes")
    ] = False,
    tenant: Annotated[str | None, typer.Option(help="The tenant (with --online)")] = None,
    service: Annotated[
        list[str] | None, typer.Option(help="NAME or NAME=URL (with --online); all if absent")
    ] = None,
    token: Annotated[str | None, typer.Option(envvar="OKR_TOKEN", help="Bearer token")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Verifies a bundle offline, or with --online the services' stored events against their
    chains; exits 1 naming the first bad event."""
    if online:
        if bundle is not None or not tenant:
            raise CliError("--online takes --tenant and no bundle directory", 2)
        _verify_online(tenant, _urls(service or []), _token(tenant, token), as_json)
        return
    if bundle is None:
        raise CliError("give a bundle directory, or --online --tenant T", 2)
    if not (bundle / "manifest.json").is_file():
        raise CliError(f"{bundle} is not a bundle (no manifest.json)", 2)
    report = verify_bundle(bundle, trust_key or ())
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "failure": asdict(report.failure) if report.failure else None,
                "events": report.events,
                "unsigned": report.unsigned,
                "warnings": report.warnings,
            }
        )
    elif report.ok:
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo(f"ok: {sum(report.events.values())} events verified")
    else:
        f = report.failure
        assert f is not None
        typer.echo(
            f"FAIL {f.service or '-'} position {f.position} ({f.file} line {f.line}): {f.reason}",
            err=True,
        )
    if not report.ok:
        raise typer.Exit(1)


def _verify_online(tenant: str, urls: dict[str, str], token: str, as_json: bool) -> None:
    reports = {}
    for name, url in urls.items():
        try:
            response = httpx.get(
                f"{url.rstrip('/')}/v1/audit/verify",
                headers={"Authorization": f"Bearer {token}"},
                timeout=300,
            )
        except httpx.HTTPError as exc:
            raise CliError(f"cannot reach {name} at {url}: {exc}", UNREACHABLE) from exc
        if response.status_code != 200:
            raise CliError(f"{name}: /v1/audit/verify answered {response.status_code}", 1)
        reports[name] = response.json()
        if reports[name]["tenant_id"] != tenant:
            raise CliError(f"{name}: the token's tenant is not {tenant!r}", 2)
    if as_json:
        emit_json(reports)
    for name, report in reports.items():
        first = report["first"]
        if not as_json and first:
            typer.echo(
                f"FAIL {name} position {first['position']} ({first['kind']}, aggregate "
                f"{first['aggregate_id']} v{first['aggregate_version']}): {first['reason']}",
                err=True,
            )
        elif not as_json:
            typer.echo(f"ok: {name}: {report['events']} events, {report['unsigned']} unsigned")
    if any(not r["ok"] for r in reports.values()):
        raise typer.Exit(1)
