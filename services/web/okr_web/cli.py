"""Command line of the web server: `okr-web serve`."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from okr_shared.telemetry import configure_telemetry
from okr_web.bootstrap import bootstrap
from okr_web.http import create_http_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="okr-web")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="the web app and the services' APIs under /api/")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    configure_telemetry("okr-web")
    uvicorn.run(create_http_app(bootstrap()), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
