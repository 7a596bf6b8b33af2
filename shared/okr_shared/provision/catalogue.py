"""What each service needs provisioned: its Kafka topics (from the AsyncAPI catalogue's
`SERVICES`, which a unit test holds to the bootstraps) and its PostgreSQL tables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from okr_shared.audit.ledger import SCHEMA as AUDIT_SCHEMA
from okr_shared.contracts.asyncapi import SERVICES, service, topic_of
from okr_shared.messaging import dead_letter_topic
from okr_shared.personal.keys import TABLE as KEY_TABLE
from okr_shared.settings import KafkaSettings

AUDIT_TABLES = tuple(
    statement.split()[5] for statement in AUDIT_SCHEMA if statement.startswith("CREATE TABLE")
)
"""The audit ledger's tables: chain, chainer position, checkpoints, read log."""


@dataclass(frozen=True)
class Tables:
    """A write service's tables: eventsourcing's under its application `name` (events, snapshots,
    the relay's tracking), the personal-data keys, its knowledge table, the audit ledger."""

    name: str
    snapshots: bool = True
    personal_keys: bool = True
    knowledge: str | None = None
    audit: bool = True

    @property
    def event_store(self) -> tuple[str, ...]:
        snapshots = (f"{self.name}_snapshots",) if self.snapshots else ()
        return (f"{self.name}_events", *snapshots, f"{self.name}_tracking")

    @property
    def all(self) -> tuple[str, ...]:
        keys = (KEY_TABLE,) if self.personal_keys else ()
        knowledge = (self.knowledge,) if self.knowledge else ()
        audit = AUDIT_TABLES if self.audit else ()
        return (*self.event_store, *keys, *knowledge, *audit)


TABLES: Mapping[str, Tables] = {
    "goals": Tables("goals"),
    "checkins": Tables("checkins", knowledge="goal_knowledge"),
    "reviews": Tables("reviews", personal_keys=False, knowledge="review_knowledge"),
    "incentives": Tables("incentives", knowledge="incentive_knowledge"),
}
"""The services with a PostgreSQL database, by name."""

TOPIC_SERVICES = tuple(s.name for s in SERVICES)
"""The services with Kafka topics (the web server has none)."""


def consumer_group(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The service's consumer group: `OKR_<NAME>_GROUP` as its settings read it, or the
    default."""
    default = service(name).group
    if default is None:
        return None
    return (environ if environ is not None else os.environ).get(f"OKR_{name.upper()}_GROUP") or (
        default
    )


def service_topics(
    name: str,
    kafka: KafkaSettings,
    group: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """Every topic the service publishes to or consumes, with its dead-letter topics (the relay's
    and the consumer group's, `group` or the configured one), namespaced by `kafka`."""
    s = service(name)
    group = group or consumer_group(name, environ)
    names = [
        *(topic_of(c) for c in s.publishes),
        *(topic_of(c) for c in s.consumes),
        *([dead_letter_topic(s.relay)] if s.relay else []),
        *([dead_letter_topic(group)] if group else []),
    ]
    return [kafka.topic(t) for t in dict.fromkeys(names)]


def all_topics(kafka: KafkaSettings, environ: Mapping[str, str] | None = None) -> list[str]:
    """Every topic of every service, once each, namespaced by `kafka`."""
    names = [t for s in TOPIC_SERVICES for t in service_topics(s, kafka, environ=environ)]
    return list(dict.fromkeys(names))
