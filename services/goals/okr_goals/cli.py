"""Command line of the goal service: `okr-goals serve` or `okr-goals relay` (the outbox relay and
the audit chainer)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal

import uvicorn

from okr_goals.bootstrap import bootstrap
from okr_goals.http import create_http_app
from okr_shared.messaging import GOALS_TOPIC, ensure_topics
from okr_shared.service_runtime import start_chainer
from okr_shared.telemetry import configure_telemetry


async def _relay_forever() -> None:
    container = bootstrap()
    await ensure_topics(container.settings.kafka, [container.settings.kafka.topic(GOALS_TOPIC)])
    relay = container.new_relay()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with contextlib.AsyncExitStack() as started:
        await relay.publisher.start()
        started.push_async_callback(relay.publisher.stop)
        running = [asyncio.create_task(relay.run(stop), name="outbox-relay")]
        if container.settings.audit.chain_enabled:
            running.append(await start_chainer(container.new_chainer(), stop, started))
        await asyncio.gather(*running)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="okr-goals")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser(
        "serve", help="HTTP API (and the outbox relay unless OKR_GOALS_RELAY_ENABLED=false)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8001)
    sub.add_parser("relay", help="only the outbox relay and the audit chainer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    configure_telemetry("okr-goals")
    if args.command == "serve":
        uvicorn.run(create_http_app(bootstrap()), host=args.host, port=args.port, log_level="info")
    else:
        asyncio.run(_relay_forever())


if __name__ == "__main__":
    main()
