"""What every command shares: one-line errors with their exit codes, JSON for scripts, Rich for
people (tables and progress bars on standard error, so standard output stays the answer)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON for scripts instead of Rich output.")

UNREACHABLE = 4
"""Exit code when a service or a store cannot be reached."""
REFUSED = 3
"""Exit code when the command refuses to run here (e.g. outside development mode)."""


class CliError(typer.TyperException):
    """An expected failure: printed as one line on standard error, exit code `exit_code`."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class OneLineErrors(typer.core.TyperGroup):
    """The root command: any usage error or expected failure is one line `okr: error: ...` on
    standard error and a non-zero exit code (2 for bad usage), never a traceback."""

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        try:
            result = super().main(*args, standalone_mode=False, **kwargs)
        except typer.TyperException as exc:
            ctx = getattr(exc, "ctx", None)
            if ctx is not None and not exc.format_message().strip():
                typer.echo(ctx.get_help())
                sys.exit(exc.exit_code)
            where = getattr(getattr(exc, "ctx", None), "command_path", None)
            prefix = f"{where}: " if where and where != "okr" else ""
            message = " ".join(exc.format_message().split())
            typer.echo(f"okr: error: {prefix}{message}", err=True)
            if not standalone_mode:
                raise
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("okr: error: aborted", err=True)
            sys.exit(1)
        code = result if isinstance(result, int) else 0
        if standalone_mode:
            sys.exit(code)
        return result


def err_console() -> Console:
    """Rich output for people, on standard error."""
    return Console(stderr=True)


def out_console() -> Console:
    return Console()


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def emit_json(value: Any) -> None:
    """One JSON document on standard output."""
    typer.echo(json.dumps(value, default=_plain, ensure_ascii=False))


def progress(transient: bool = False, quiet: bool = False) -> Progress:
    """A Rich progress bar with the rate's ETA (silent when `quiet`, e.g. with --json)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err_console(),
        transient=transient,
        disable=quiet,
    )


@contextlib.contextmanager
def expected_failures(what: str) -> Iterator[None]:
    """Turns the failures of an unreachable service or store into one-line errors."""
    try:
        yield
    except CliError:
        raise
    except Exception as exc:
        reason = unreachable(exc)
        if reason is None:
            raise
        raise CliError(f"cannot reach {what}: {reason}", UNREACHABLE) from exc


def unreachable(exc: BaseException) -> str | None:
    """Why `exc` says a service or store could not be reached, or None if it says something else."""
    import httpx
    from aiokafka.errors import KafkaConnectionError, KafkaTimeoutError
    from eventsourcing.persistence import OperationalError, PersistenceError
    from pymongo.errors import ConnectionFailure, ServerSelectionTimeoutError

    kinds = (
        httpx.TransportError,
        KafkaConnectionError,
        KafkaTimeoutError,
        OperationalError,
        PersistenceError,
        ConnectionFailure,
        ServerSelectionTimeoutError,
        ConnectionError,
        TimeoutError,
    )
    if isinstance(exc, kinds):
        return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return None
