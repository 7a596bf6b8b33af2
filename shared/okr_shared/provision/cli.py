"""The commands of `python -m okr_shared.provision`: `topics`, `tables`, `check`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from okr_shared.provision.catalogue import TABLES, TOPIC_SERVICES, all_topics, service_topics
from okr_shared.provision.tables import ROLE, NotPostgres, create_tables, grant, missing_tables
from okr_shared.provision.topics import describe, missing_topics, provision_topics
from okr_shared.settings import KafkaSettings, event_store_env

USAGE_ERROR = 2


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m okr_shared.provision",
        description="Creates the platform's Kafka topics and a service's tables, or checks them.",
    )
    sub = root.add_subparsers(dest="command", required=True)
    sub.add_parser("topics", help="create every topic of every service (OKR_KAFKA_* settings)")
    tables = sub.add_parser(
        "tables", help="create a service's tables as <SVC>_POSTGRES_USER, grant them to a role"
    )
    tables.add_argument("--service", required=True, choices=sorted(TABLES))
    tables.add_argument("--grant-to", metavar="ROLE", type=_role)
    check = sub.add_parser("check", help="name what a service needs and does not find")
    check.add_argument("--service", required=True, choices=sorted({*TABLES, *TOPIC_SERVICES}))
    return root


def _role(value: str) -> str:
    if not ROLE.match(value):
        raise argparse.ArgumentTypeError(f"not a role name: {value!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; 0 when done, 1 when something failed or is missing (named on stderr),
    2 on bad arguments or settings."""
    args = parser().parse_args(argv)
    try:
        if args.command == "topics":
            return _topics()
        if args.command == "tables":
            return _tables(args.service, args.grant_to)
        return _check(args.service)
    except (NotPostgres, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR


def _topics() -> int:
    kafka = KafkaSettings()
    outcome = asyncio.run(provision_topics(kafka, all_topics(kafka, os.environ)))
    settings = ", ".join(f"{k}={v}" for k, v in describe(kafka).items())
    for topic in outcome.created:
        print(f"created {topic} ({settings})")
    for topic in outcome.kept:
        print(f"exists  {topic}")
    for difference in outcome.differing:
        print(f"differs {difference}; left as it is", file=sys.stderr)
    for failure in outcome.failed:
        print(f"FAILED  {failure}", file=sys.stderr)
    return 1 if outcome.failed else 0


def _tables(service: str, role: str | None) -> int:
    env = event_store_env(service.upper())
    for table in create_tables(service, env):
        print(f"table   {table}")
    if role:
        for statement in grant(service, env, role):
            print(f"granted {statement}")
    return 0


def _check(service: str) -> int:
    missing = []
    if service in TABLES:
        env = event_store_env(service.upper())
        missing += [f"table {t}" for t in missing_tables(service, env)]
    kafka = KafkaSettings()
    topics = asyncio.run(missing_topics(kafka, service_topics(service, kafka)))
    missing += [f"topic {t}" for t in topics]
    for line in missing:
        print(f"missing {line}", file=sys.stderr)
    if not missing:
        print(f"{service}: every table and topic exists")
    return 1 if missing else 0
