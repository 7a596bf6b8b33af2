"""`okr audit export` and `okr audit verify`: a tenant's audit bundle taken from the write
services' HTTP audit routes, and verified offline (okr-audit-bundle/1)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

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
        raise typer.BadParameter("give --token (or OKR_TOKEN): an auditor's or admin's token")
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
    """Writes the tenant's audit bundle, read through the services' audit routes."""
    try:
        path = export_bundle(
            tenant, _urls(service or []), out, _bound(from_), _bound(to), _token(tenant, token)
        )
    except ExportFailed as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    manifest = json.loads((path / "manifest.json").read_text())
    if as_json:
        typer.echo(json.dumps({"bundle": str(path), "services": manifest["services"]}))
        return
    for entry in manifest["services"]:
        typer.echo(f"{entry['service']}: {entry['events']} events")
    typer.echo(f"bundle written to {path}")


@app.command()
def verify(
    bundle: Annotated[Path, typer.Argument(help="The bundle directory")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Verifies a bundle offline; exits 1 naming the first bad event."""
    report = verify_bundle(bundle)
    if as_json:
        body = {
            "ok": report.ok,
            "failure": asdict(report.failure) if report.failure else None,
            "events": report.events,
            "unsigned": report.unsigned,
            "warnings": report.warnings,
        }
        typer.echo(json.dumps(body))
    elif report.ok:
        for warning in report.warnings:
            typer.echo(f"warning: {warning}")
        typer.echo(f"ok: {sum(report.events.values())} events verified")
    else:
        f = report.failure
        assert f is not None
        typer.echo(
            f"error: {f.service or '-'} position {f.position} ({f.file} line {f.line}): {f.reason}",
            err=True,
        )
    if not report.ok:
        raise typer.Exit(1)
