"""The `okr` command line: the root app and its groups.

`okr audit export|verify`, `okr token`, `okr tree`, `okr events republish|tail`,
`okr projections rebuild|status|serve` and each service's own commands (`okr goals serve|relay`,
`okr checkins serve`, ...).
"""

from __future__ import annotations

import logging
import os

import typer

from okr_cli import audit, events, projections, services, token, tree
from okr_cli.output import OneLineErrors

app = typer.Typer(
    name="okr",
    cls=OneLineErrors,
    help="The OKR platform's command line for operators, auditors and integrators.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("token")(token.token)
app.command("tree")(tree.tree)
app.add_typer(audit.app, name="audit")
app.add_typer(events.app, name="events")
services.add_serve(projections.app, "projections")
app.add_typer(projections.app, name="projections")
for name in ("goals", "checkins", "reviews", "incentives", "web"):
    app.add_typer(services.service_app(name), name=name)


def main() -> None:
    """The console script `okr`; the libraries' logs only from OKR_LOG_LEVEL (e.g. INFO) up."""
    logging.basicConfig(level=os.environ.get("OKR_LOG_LEVEL", "CRITICAL").upper())
    app(prog_name="okr")


if __name__ == "__main__":
    main()
