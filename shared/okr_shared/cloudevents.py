"""CloudEvents 1.0 in Kafka's binary content mode: attributes in `ce_*` headers, data as JSON.

Platform extensions carried on every event: `tenantid`, `actorid`, `correlationid`,
`causationid` and `sequence` (the aggregate version, for per-aggregate ordering and dedup).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
        return _parse_schema(self.dataschema)[0]

    @property
    def schema_name(self) -> str:
        return _parse_schema(self.dataschema)[1]

    @property
    def schema_version(self) -> int:
        return _parse_schema(self.dataschema)[2]


def schema_urn(context: str, name: str, version: int) -> str:
    """The dataschema URI of a contract: urn:okr:schema:<context>:<EventName>:<version>."""
    return f"urn:okr:schema:{context}:{name}:{version}"


def _parse_schema(urn: str) -> tuple[str, str, int]:
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


def to_kafka(event: CloudEvent) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Key, value and headers of the Kafka record carrying the event."""
    headers = {
        "ce_specversion": SPEC_VERSION,
        "ce_id": event.id,
        "ce_source": event.source,
        "ce_type": event.type,
        "ce_subject": event.subject,
        "ce_time": event.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "ce_dataschema": event.dataschema,
        "content-type": CONTENT_TYPE,
        "ce_tenantid": event.tenantid,
        "ce_actorid": event.actorid,
        "ce_correlationid": event.correlationid,
        "ce_causationid": event.causationid,
        "ce_sequence": str(event.sequence),
        **event.extra_headers,
    }
    if event.traceparent:
        headers["traceparent"] = event.traceparent
    value = json.dumps(event.data, separators=(",", ":"), sort_keys=True).encode()
    return event.subject.encode(), value, [(k, v.encode()) for k, v in headers.items()]


def from_kafka(headers: dict[str, str], value: bytes) -> CloudEvent:
    """Decodes a Kafka record into a CloudEvent, or raises UndecodableEvent with the reason."""
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
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UndecodableEvent(f"data is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise UndecodableEvent("data is not a JSON object")
    try:
        time = datetime.fromisoformat(ce["time"].replace("Z", "+00:00"))
        sequence = int(ce["sequence"])
    except ValueError as exc:
        raise UndecodableEvent(f"bad ce_time or ce_sequence: {exc}") from exc
    _check_type(ce["type"], *_parse_schema(ce["dataschema"])[:2])
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
