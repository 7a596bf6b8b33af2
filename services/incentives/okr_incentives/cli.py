"""Command line of the incentive service: `okr-incentives serve`."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from okr_incentives.bootstrap import bootstrap
from okr_incentives.http import create_http_app
from okr_shared.telemetry import configure_telemetry


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="okr-incentives")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="HTTP API, knowledge consumer and outbox relay")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8004)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    configure_telemetry("okr-incentives")
    uvicorn.run(create_http_app(bootstrap()), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
