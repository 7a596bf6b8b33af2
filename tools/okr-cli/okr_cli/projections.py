"""`okr projections rebuild` and `okr projections status` (`okr projections serve` is added in
`main`): the read models rebuilt from the event stores, and where the pointer stands."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Annotated, Any

import typer
from pymongo import AsyncMongoClient
from rich.table import Table

from okr_cli.comparison import IGNORED_FIELDS
from okr_cli.events import check_service
from okr_cli.output import (
    JSON_OPTION,
    CliError,
    emit_json,
    expected_failures,
    out_console,
    progress,
)
from okr_cli.rebuild import Options, Rebuild, RebuildRefused
from okr_cli.sources import SERVICES, Source, open_source
from okr_projections.pointer import Pointer
from okr_projections.settings import ProjectionsSettings

app = typer.Typer(help="The read models: served, rebuilt from the event stores, inspected.")


def _client(settings: ProjectionsSettings) -> AsyncMongoClient:
    return AsyncMongoClient(settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=5000)


async def _rebuild(
    settings: ProjectionsSettings, services: list[str], options: Options, quiet: bool
) -> dict[str, Any]:
    sources: list[Source] = []
    client = _client(settings)
    try:
        sources = [open_source(s) for s in services]
        with progress(quiet=quiet) as bar:
            task = bar.add_task("rebuild", total=None)
            return await Rebuild(client, settings.database, sources, options).run(
                advance=lambda n: bar.advance(task, n),
                total=lambda n: bar.update(task, total=n),
            )
    finally:
        await client.close()
        for source in sources:
            await source.close()


def _summary(outcome: dict[str, Any]) -> Table:
    table = Table(title=f"{outcome['database']} (live was {outcome['live']})")
    for column in ("collection", "live", "rebuilt", "missing", "extra", "different"):
        table.add_column(column, justify="left" if column == "collection" else "right")
    for name, c in outcome["verification"]["collections"].items():
        table.add_row(
            name, *(str(c[k]) for k in ("live", "rebuilt", "missing", "extra", "different"))
        )
    return table


@app.command()
def rebuild(
    service: Annotated[
        list[str] | None,
        typer.Option("--service", "-s", help="Only these services' stores (default: all four)."),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Drop an interrupted rebuild instead of resuming it.")
    ] = False,
    switch: Annotated[
        bool, typer.Option("--switch/--no-switch", help="Switch the readers once verified.")
    ] = True,
    accept_differences: Annotated[
        bool,
        typer.Option("--accept-differences", help="Switch even if verification finds some."),
    ] = False,
    follow_timeout: Annotated[
        float, typer.Option("--follow-timeout", min=0, help="Seconds to wait for the readers.")
    ] = 30.0,
    checkpoint_every: Annotated[
        int, typer.Option("--checkpoint-every", min=1, hidden=True, help="Events per checkpoint.")
    ] = 500,
    as_json: bool = JSON_OPTION,
) -> None:
    """Rebuilds every read model from the write services' event stores into a new database,
    verifies it against the live one and switches the readers to it."""
    services = [check_service(s) for s in service] if service else list(SERVICES)
    settings = ProjectionsSettings()
    options = Options(
        restart=restart,
        switch=switch,
        accept_differences=accept_differences,
        follow_timeout=follow_timeout,
        pointer_poll_seconds=settings.pointer_poll_seconds,
        checkpoint_every=checkpoint_every,
    )
    try:
        with expected_failures("an event store or the document store"):
            outcome = asyncio.run(_rebuild(settings, services, options, quiet=as_json))
    except RebuildRefused as exc:
        raise CliError(str(exc)) from exc
    if as_json:
        emit_json(outcome)
        return
    console = out_console()
    console.print(_summary(outcome))
    ignored = ", ".join(IGNORED_FIELDS)
    console.print(
        f"{outcome['events']} events, {outcome['documents']} documents in {outcome['seconds']}s"
        f" ({outcome['events_per_second']} events/s, {outcome['documents_per_second']}"
        f" documents/s); equal to the live model except {ignored}"
        + (f"; {len(outcome['unprojectable'])} unprojectable" if outcome["unprojectable"] else "")
    )
    if outcome["switched"]:
        lagging = outcome.get("followers_lagging") or []
        console.print(
            f"switched to {outcome['database']}; caught up {outcome['caught_up']} events"
            + (f"; not yet following: {', '.join(lagging)}" if lagging else "")
        )


async def _status(settings: ProjectionsSettings) -> dict[str, Any]:
    client = _client(settings)
    try:
        pointer = Pointer(client, settings.database)
        return {
            "base": settings.database,
            "active": await pointer.active(),
            "followers": await pointer.followers(timedelta(minutes=5)),
            "rebuild": await pointer.rebuild_state(),
        }
    finally:
        await client.close()


@app.command()
def status(as_json: bool = JSON_OPTION) -> None:
    """The database the read models are served from, who follows it, and the last rebuild."""
    settings = ProjectionsSettings()
    with expected_failures(f"the document store at {settings.mongo_url}"):
        found = asyncio.run(_status(settings))
    if as_json:
        emit_json(found)
        return
    console = out_console()
    console.print(f"active database: {found['active']} (base {found['base']})")
    for follower, database in found["followers"].items():
        console.print(f"  process {follower} follows {database}")
    state = found["rebuild"]
    if state:
        console.print(
            f"last rebuild: {state['database']} {state.get('status')} at {state.get('positions')}"
        )
