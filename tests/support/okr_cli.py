"""Driving the `okr` command line against a real stack: its environment (the services' store
settings, the document store, the topics' namespace), running it as a process, and waiting
until the live read model has taken everything the stores hold."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo import AsyncMongoClient, MongoClient

from okr_cli.comparison import compare
from okr_cli.sources import SERVICES, open_source
from okr_shared.consumer import AppliedPositions
from okr_shared.freshness import KafkaKnowledgeFreshness
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC, INCENTIVES_TOPIC, REVIEWS_TOPIC

TOPICS = (GOALS_TOPIC, CHECKINS_TOPIC, REVIEWS_TOPIC, INCENTIVES_TOPIC)


def cli_env(*service_envs: dict[str, str], **more: str) -> dict[str, str]:
    """The services' environments merged (each names its store with its own prefix)."""
    env: dict[str, str] = {"OKR_ENV": "development"}
    for each in service_envs:
        env.update(each)
    env.update(more)
    return env


def okr(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Runs `okr ARGS...` as a process with `env` beside this one's."""
    return subprocess.run(
        [sys.executable, "-m", "okr_cli.main", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def okr_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = okr(env, *args, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def start_okr(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "okr_cli.main", *args],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """`env` set in this process for the duration (the CLI's code reads its settings from it)."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def relays_caught_up(env: dict[str, str], services: tuple[str, ...] = SERVICES) -> bool:
    """Whether every service's relay has published its whole notification log."""

    async def caught_up() -> bool:
        for service in services:
            source = open_source(service)
            try:
                if source.relay.position() < source.last_position():
                    return False
            finally:
                await source.close()
        return True

    with environment(env):
        return asyncio.run(caught_up())


def group_current(bootstrap: str, namespace: str, group: str) -> bool:
    """Whether the consumer group has applied every record of the four topics."""
    freshness = KafkaKnowledgeFreshness(
        {"bootstrap_servers": bootstrap},
        [f"{namespace}.{t}" for t in TOPICS],
        group,
        AppliedPositions(),
        max_age_seconds=0,
    )
    freshness.watch()
    return freshness.is_current()


def comparison(mongo_url: str, live: str, rebuilt: str, ignored: set[str] | None = None) -> dict:
    """`okr_cli.comparison.compare` of two databases, from synchronous test code."""

    async def run() -> dict:
        client = AsyncMongoClient(mongo_url, tz_aware=True)
        try:
            return await compare(client, live, rebuilt, ignored)
        finally:
            await client.close()

    return asyncio.run(run())


def snapshot(mongo_url: str, database: str) -> dict[str, list[dict]]:
    """Every document of every collection of the database, by collection, sorted by id."""
    with MongoClient(mongo_url, tz_aware=True) as client:
        db = client[database]
        return {
            name: sorted(db[name].find({}), key=lambda d: str(d["_id"]))
            for name in sorted(db.list_collection_names())
            if name != "control"
        }
