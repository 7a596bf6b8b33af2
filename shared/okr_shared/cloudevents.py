"""CloudEvents 1.0 in Kafka's binary content mode: attributes in `ce_*` headers, data as JSON.

The records are written and read by the CloudEvents SDK's Kafka binding (`cloudevents.v1.kafka`);
this module adds the platform's rules on top: required extensions, one spec version, JSON
data, `ce_type` agreeing with `ce_dataschema`, and the subject as the Kafka key.

Platform extensions carried on every event: `tenantid`, `actorid`, `correlationid`,
`causationid` and `sequence` (the version of the producer's stream after the event; several
streams may share a subject, see the contracts README). The Kafka key is the subject.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cloudevents.v1 import kafka
from cloudevents.v1.exceptions import DataUnmarshallerError, GenericException
from cloudevents.v1.http import CloudEvent as SdkEvent

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
_REQUIRED = ("id", "source", "type", "specversion")
_EXTENSIONS = ("tenantid", "actorid", "correlationid", "causationid", "sequence")
_SCHEMA_URN = re.compile(
    r"^urn:okr:schema:(?P<context>[a-z]+):(?P<name>[A-Za-z]+):(?P<version>\d+)$"
)
_TYPE = re.compile(r"^okr\.(?P<context>[a-z]+)\.(?P<name>[A-Za-z]+)$")


class UndecodableEvent(Exception):
    """A Kafka message that is not a valid platform CloudEvent; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CloudEvent:
    """One platform event as integrators see it."""

    id: str
    source: str
    type: str
    subject: str
    time: datetime
    dataschema: str
    data: dict[str, Any]
    tenantid: str
    actorid: str
    correlationid: str
    causationid: str
    sequence: int
    traceparent: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def schema_context(self) -> str:
        return parse_schema_urn(self.dataschema)[0]

    @property
    def schema_name(self) -> str:
        return parse_schema_urn(self.dataschema)[1]

    @property
    def schema_version(self) -> int:
        return parse_schema_urn(self.dataschema)[2]


def schema_urn(context: str, name: str, version: int) -> str:
    """The dataschema URI of a contract: urn:okr:schema:<context>:<EventName>:<version>."""
    return f"urn:okr:schema:{context}:{name}:{version}"


def parse_schema_urn(urn: str) -> tuple[str, str, int]:
    """Context, event name and version of a dataschema URN; UndecodableEvent if it is none."""
    match = _SCHEMA_URN.match(urn)
    if not match:
        raise UndecodableEvent(f"ce_dataschema '{urn}' is not a platform schema URN")
    return match["context"], match["name"], int(match["version"])


def _check_type(type_: str, context: str, name: str) -> None:
    """Raises unless `ce_type` is `okr.<context>.<Name>` of the same event as the dataschema."""
    match = _TYPE.match(type_)
    if not match:
        raise UndecodableEvent(f"ce_type {type_!r} is not okr.<context>.<EventName>")
    if (match["context"], match["name"]) != (context, name):
        raise UndecodableEvent(
            f"ce_type {type_!r} does not match ce_dataschema (okr.{context}.{name})"
        )


def _data_json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def _kafka_key(event: SdkEvent) -> bytes:
    return str(event["subject"]).encode()


def to_kafka(event: CloudEvent) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Key, value and headers of the Kafka record carrying the event.

    The CloudEvents SDK's Kafka binding writes the `ce_*` headers and the body; the key is the
    subject and the data is compact JSON with sorted keys.
    """
    attributes = {
        "specversion": SPEC_VERSION,
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "subject": event.subject,
        "time": event.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "dataschema": event.dataschema,
        "datacontenttype": CONTENT_TYPE,
        "tenantid": event.tenantid,
        "actorid": event.actorid,
        "correlationid": event.correlationid,
        "causationid": event.causationid,
        "sequence": str(event.sequence),
    }
    message = kafka.to_binary(
        SdkEvent.create(attributes, event.data), data_marshaller=_data_json, key_mapper=_kafka_key
    )
    # The SDK writes content-type first; the records keep the platform's header order.
    sdk_headers = dict(message.headers)
    content_type = sdk_headers.pop("content-type")
    headers = list(sdk_headers.items())
    at = [name for name, _ in headers].index("ce_dataschema") + 1
    headers.insert(at, ("content-type", content_type))
    headers += [(k, v.encode()) for k, v in event.extra_headers.items()]
    if event.traceparent:
        headers.append(("traceparent", event.traceparent.encode()))
    return message.key, message.value, headers


def _required_headers(headers: dict[str, str]) -> dict[str, str]:
    ce = {k[3:]: v for k, v in headers.items() if k.startswith("ce_")}
    missing = [
        a for a in (*_REQUIRED, "subject", "time", "dataschema", *_EXTENSIONS) if not ce.get(a)
    ]
    if missing:
        raise UndecodableEvent(
            f"missing CloudEvents headers: {', '.join('ce_' + m for m in missing)}"
        )
    if ce["specversion"] != SPEC_VERSION:
        raise UndecodableEvent(f"unsupported ce_specversion {ce['specversion']!r}")
    content_type = headers.get("content-type", CONTENT_TYPE)
    if not content_type.startswith(CONTENT_TYPE):
        raise UndecodableEvent(f"unsupported content-type {content_type!r}")
    return ce


def from_kafka(headers: dict[str, str], value: bytes) -> CloudEvent:
    """Decodes a Kafka record into a CloudEvent, or raises UndecodableEvent with the reason.

    The platform's checks (required headers and extensions, spec version, content type, type
    agreeing with dataschema) come first; the SDK's Kafka binding then reads the record.
    """
    _required_headers(headers)
    message = kafka.KafkaMessage(
        headers={k: v.encode() for k, v in headers.items() if k != "traceparent"},
        key=None,
        value=value,
    )
    try:
        sdk_event = kafka.from_binary(message, data_unmarshaller=json.loads)
    except DataUnmarshallerError as exc:
        raise UndecodableEvent(f"data is not JSON: {exc.__context__ or exc}") from exc
    except GenericException as exc:
        raise UndecodableEvent(f"not a CloudEvent: {exc}") from exc
    ce, data = sdk_event.get_attributes(), sdk_event.get_data()
    if not isinstance(data, dict):
        raise UndecodableEvent("data is not a JSON object")
    try:
        time = datetime.fromisoformat(ce["time"].replace("Z", "+00:00"))
        sequence = int(ce["sequence"])
    except ValueError as exc:
        raise UndecodableEvent(f"bad ce_time or ce_sequence: {exc}") from exc
    _check_type(ce["type"], *parse_schema_urn(ce["dataschema"])[:2])
    return CloudEvent(
        id=ce["id"],
        source=ce["source"],
        type=ce["type"],
        subject=ce["subject"],
        time=time,
        dataschema=ce["dataschema"],
        data=data,
        tenantid=ce["tenantid"],
        actorid=ce["actorid"],
        correlationid=ce["correlationid"],
        causationid=ce["causationid"],
        sequence=sequence,
        traceparent=headers.get("traceparent"),
    )
