"""The AsyncAPI 3.0 catalogue of the platform's topics, generated from the contract registry.

One document for the whole platform and one per service. AsyncAPI 3 describes what one
application sends and receives, so a service's document has the channels it touches and its
own operations (`send` on its topic and dead letters, `receive` on what it consumes); the
platform's document has every channel and every service's operations, named after the service.
Channels, messages and versions come from the registry: a new context is a new topic
`okr.<context>.v1`, a new schema file a new message. Only who sends and receives what is
written here (`SERVICES`), and a unit test holds it to the services' own bootstraps.

Payloads are the contracts themselves, referenced by a relative URL
(`asyncapi/schemas/<context>/<Name>.v<N>.json`, served beside `/asyncapi.json`): a schema's
`#/$defs/...` references resolve against that schema, which a copy inlined into the AsyncAPI
document would break. Headers, keys and dead-letter records are plain AsyncAPI schemas.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from okr_shared.cloudevents import CONTENT_TYPE, schema_urn
from okr_shared.contracts.asyncapi_records import (
    KAFKA_BINDING,
    Document,
    cloud_event_headers,
    dead_letter,
    relay_quarantine,
    subject_key,
)
from okr_shared.contracts.registry import ContractRegistry, default_registry
from okr_shared.contracts.vocabulary import STREAM
from okr_shared.messaging import dead_letter_topic
from okr_shared.settings import KafkaSettings

ASYNCAPI = "3.0.0"
SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
SCHEMA_PATH = "asyncapi/schemas"
AUDIT = "audit"
"""The context of the audit checkpoints every write service publishes (skipped until it has
contracts)."""


@dataclass(frozen=True)
class Service:
    """Who sends and receives what: contexts published and consumed, relay and consumer group."""

    name: str
    title: str
    publishes: tuple[str, ...] = ()
    consumes: tuple[str, ...] = ()
    relay: str | None = None
    group: str | None = None


SERVICES = (
    Service("goals", "goal service", ("goals", AUDIT), relay="goals-relay"),
    Service(
        "checkins",
        "check-in service",
        ("checkins", AUDIT),
        ("goals",),
        relay="checkins-relay",
        group="okr-checkins",
    ),
    Service(
        "reviews",
        "review service",
        ("reviews", AUDIT),
        ("goals", "checkins"),
        relay="reviews-relay",
        group="okr-reviews",
    ),
    Service(
        "incentives",
        "incentive service",
        ("incentives", AUDIT),
        ("goals", "reviews", "checkins"),
        relay="incentives-relay",
        group="okr-incentives",
    ),
    Service(
        "projections",
        "projections service",
        consumes=("goals", "checkins", "reviews", "incentives"),
        group="okr-projections",
    ),
)


def topic_of(context: str) -> str:
    """The topic a context's events are published on."""
    return f"okr.{context}.v1"


def schema_file(context: str, name: str, version: int) -> str:
    """Where a contract is served, relative to the AsyncAPI document."""
    return f"{SCHEMA_PATH}/{context}/{name}.v{version}.json"


def service(name: str) -> Service:
    """The service of that name; KeyError when there is none."""
    return {s.name: s for s in SERVICES}[name]


def document(
    of: str | None = None,
    kafka: KafkaSettings | None = None,
    version: str = "1.0.0",
    registry: ContractRegistry | None = None,
) -> Document:
    """The AsyncAPI document of service `of`, or of the whole platform when None; topic names
    and the server (host, security) come from `kafka`."""
    kafka = kafka or KafkaSettings()
    registry = registry or default_registry()
    catalogue = _Catalogue(registry, kafka)
    services = SERVICES if of is None else (service(of),)
    operations: Document = {}
    for s in services:
        operations.update(catalogue.operations(s, prefix=of is None))
    used = {op["channel"]["$ref"].rsplit("/", 1)[1] for op in operations.values()}
    channels = {k: v for k, v in catalogue.channels.items() if of is None or k in used}
    messages = {
        ref["$ref"].rsplit("/", 1)[1]
        for channel in channels.values()
        for ref in channel["messages"].values()
    }
    title = "OKR platform" if of is None else f"OKR {services[0].title}"
    return {
        "asyncapi": ASYNCAPI,
        "info": _info(title, version),
        "defaultContentType": CONTENT_TYPE,
        "servers": {"kafka": _server(kafka)},
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": {k: v for k, v in catalogue.messages.items() if k in messages},
            "schemas": {"CloudEventHeaders": cloud_event_headers()},
            **_security_schemes(kafka),
        },
    }


def _info(title: str, version: str) -> Document:
    return {
        "title": f"{title} events",
        "version": version,
        "description": (
            "CloudEvents 1.0 in Kafka's binary content mode: attributes in `ce_*` headers, data"
            " as compact JSON validated against the message's JSON Schema (draft 2020-12). The"
            " record key is `ce_subject`; deduplicate on `ce_id`; identify an entity by"
            " (`ce_tenantid`, `ce_subject`). Every version a topic ever carried is listed;"
            " consumers upcast old versions to the latest. Generated from the contract registry"
            " (`okr_shared.contracts.asyncapi`)."
        ),
    }


def _server(kafka: KafkaSettings) -> Document:
    brokers = [b.strip() for b in kafka.bootstrap_servers.split(",") if b.strip()]
    namespace = kafka.topic_namespace
    server: Document = {
        "host": brokers[0],
        "protocol": "kafka-secure" if kafka.uses_tls else "kafka",
        "description": f"Bootstrap servers: {', '.join(brokers)}"
        + (f"; topic names carry the namespace `{namespace}.`" if namespace else ""),
    }
    schemes = _security_schemes(kafka).get("securitySchemes", {})
    if schemes:
        server["security"] = [{"$ref": f"#/components/securitySchemes/{k}"} for k in schemes]
    return server


_SASL = {"PLAIN": "plain", "SCRAM-SHA-256": "scramSha256", "SCRAM-SHA-512": "scramSha512"}


def _security_schemes(kafka: KafkaSettings) -> Document:
    """SASL (the configured mechanism) and TLS client certificates, when configured."""
    schemes: Document = {}
    if kafka.uses_sasl:
        schemes["sasl"] = {
            "type": _SASL[kafka.sasl_mechanism],
            "description": f"SASL {kafka.sasl_mechanism} over {kafka.security_protocol}.",
        }
    if kafka.uses_tls and kafka.ssl_certfile:
        schemes["tls-client-certificate"] = {
            "type": "X509",
            "description": "TLS with a client certificate.",
        }
    return {"securitySchemes": schemes} if schemes else {}


class _Catalogue:
    """Channels and messages of every topic with contracts, and every service's dead letters."""

    def __init__(self, registry: ContractRegistry, kafka: KafkaSettings) -> None:
        self.registry = registry
        self.kafka = kafka
        self.versions: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for context, name, version in registry.contracts():
            self.versions[context][name].append(version)
        self.messages: Document = {}
        self.channels: Document = {}
        for context, events in sorted(self.versions.items()):
            refs = {}
            for name, versions in sorted(events.items()):
                for version in versions:
                    key = f"{name}.v{version}"
                    self.messages[f"{context}.{key}"] = self._message(context, name, version)
                    refs[key] = {"$ref": f"#/components/messages/{context}.{key}"}
            self.channels[context] = self._channel(
                topic_of(context), f"The {context} context's events.", refs
            )
        self.messages.update(RelayQuarantine=relay_quarantine(), ConsumerDeadLetter=dead_letter())
        for s in SERVICES:
            if s.relay:
                self.channels[f"deadletter.{s.relay}"] = self._channel(
                    dead_letter_topic(s.relay),
                    f"Stored events the {s.title}'s outbox relay could not publish.",
                    {"RelayQuarantine": {"$ref": "#/components/messages/RelayQuarantine"}},
                )
            if s.group:
                self.channels[f"deadletter.{s.group}"] = self._channel(
                    dead_letter_topic(s.group),
                    f"Records the {s.title}'s consumer group {s.group} could never handle.",
                    {"ConsumerDeadLetter": {"$ref": "#/components/messages/ConsumerDeadLetter"}},
                )

    def _channel(self, topic: str, description: str, messages: Document) -> Document:
        address = self.kafka.topic(topic)
        return {
            "address": address,
            "description": description,
            "messages": messages,
            "bindings": {"kafka": {"topic": address, "bindingVersion": KAFKA_BINDING}},
        }

    def _message(self, context: str, name: str, version: int) -> Document:
        schema = self.registry.schema(context, name, version)
        latest = self.registry.latest_version(context, name)
        stream = self.registry.schema(context, name, latest).get(STREAM)
        description = schema.get("description", "")
        tags = [{"name": context}]
        if stream:
            tags.append({"name": f"stream:{stream}"})
        if version < latest:
            tags.append({"name": "superseded"})
            description += (
                f" Superseded by v{latest}; consumers upcast it (`ContractRegistry.read`)."
                if self.registry.upcasts(context, name, version)
                else f" Superseded by v{latest}, without an upcaster: consumers dead-letter it."
            )
        return {
            "name": name,
            "title": f"{name} v{version}",
            "summary": schema.get("description", name),
            "description": description.strip(),
            "contentType": CONTENT_TYPE,
            "tags": tags,
            "headers": {
                "allOf": [
                    {"$ref": "#/components/schemas/CloudEventHeaders"},
                    {
                        "properties": {
                            "ce_type": {"const": f"okr.{context}.{name}"},
                            "ce_source": {"const": f"/okr/{context}"},
                            "ce_dataschema": {"const": schema_urn(context, name, version)},
                        }
                    },
                ]
            },
            "payload": {
                "schemaFormat": SCHEMA_FORMAT,
                "schema": {"$ref": schema_file(context, name, version)},
            },
            "correlationId": {
                "description": "The request or flow the event belongs to.",
                "location": "$message.header#/ce_correlationid",
            },
            "bindings": {"kafka": {"key": subject_key(), "bindingVersion": KAFKA_BINDING}},
            "x-okr-dataschema": schema_urn(context, name, version),
            "x-okr-latest-version": latest,
        }

    def operations(self, s: Service, prefix: bool) -> Document:
        """The service's operations: `send` (latest versions) on its topics and dead letters,
        `receive` (every version) on what it consumes."""
        found: Document = {}

        def add(action: str, channel: str, messages: list[str], **extra: Any) -> None:
            if channel not in self.channels:
                return
            key = f"{action}.{channel}"
            found[f"{s.name}.{key}" if prefix else key] = {
                "action": action,
                "channel": {"$ref": f"#/channels/{channel}"},
                "messages": [{"$ref": f"#/channels/{channel}/messages/{m}"} for m in messages],
                "tags": [{"name": f"service:{s.name}"}],
                **extra,
            }

        for context in s.publishes:
            add("send", context, self._latest(context), summary=f"The {s.title} publishes.")
        for context in s.consumes:
            add(
                "receive",
                context,
                list(self.channels.get(context, {}).get("messages", {})),
                summary=f"The {s.title} consumes (group {s.group}).",
                bindings={
                    "kafka": {
                        "groupId": {"type": "string", "enum": [s.group]},
                        "bindingVersion": KAFKA_BINDING,
                    }
                },
            )
        if s.relay:
            add("send", f"deadletter.{s.relay}", ["RelayQuarantine"], summary="Quarantine.")
        if s.group:
            add("send", f"deadletter.{s.group}", ["ConsumerDeadLetter"], summary="Dead letters.")
        return found

    def _latest(self, context: str) -> list[str]:
        return [
            f"{name}.v{versions[-1]}" for name, versions in sorted(self.versions[context].items())
        ]


def schema_files(registry: ContractRegistry | None = None) -> dict[str, Document]:
    """Every contract by the path its documents reference it under."""
    registry = registry or default_registry()
    return {schema_file(*key): registry.schema(*key) for key in registry.contracts()}


def write(directory: Path, kafka: KafkaSettings | None = None) -> list[Path]:
    """Writes the platform's document (`asyncapi.json`), each service's
    (`asyncapi.<service>.json`) and the contracts they reference; returns the documents."""
    documents = {"asyncapi.json": document(None, kafka)}
    documents.update({f"asyncapi.{s.name}.json": document(s.name, kafka) for s in SERVICES})
    for path, content in {**schema_files(), **documents}.items():
        target = directory / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(content, indent=2) + "\n")
    return [directory / name for name in documents]
