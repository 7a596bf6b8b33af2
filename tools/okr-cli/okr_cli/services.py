"""The services' own commands under `okr`: `okr goals serve|relay`, `okr checkins serve`, ...,
each handed to the service's `okr_<service>.cli` unchanged."""

from __future__ import annotations

import importlib
from typing import Annotated

import typer

PORTS = {
    "web": 8000,
    "goals": 8001,
    "checkins": 8002,
    "reviews": 8003,
    "incentives": 8004,
    "projections": 8005,
}
"""Each service's default port, as its own command line has it."""


def run_service_cli(service: str, argv: list[str]) -> None:
    """Runs `okr-<service> ARGV...` in this process."""
    importlib.import_module(f"okr_{service}.cli").main(argv)


def add_serve(app: typer.Typer, service: str) -> None:
    """Adds `serve` (the service's HTTP API and what runs beside it) to the service's group."""

    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535)] = PORTS[service],
    ) -> None:
        """The service's HTTP API, with its consumer, relay and schedulers as configured."""
        run_service_cli(service, ["serve", "--host", host, "--port", str(port)])


def service_app(service: str) -> typer.Typer:
    """The group of one service's commands."""
    app = typer.Typer(help=f"The {service} service's commands.", no_args_is_help=True)
    add_serve(app, service)
    if service == "goals":

        @app.command("relay")
        def relay() -> None:
            """Only the goal service's outbox relay."""
            run_service_cli("goals", ["relay"])

    return app
