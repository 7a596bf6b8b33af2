"""The canonical event line of a stored event (ALGORITHM.md, "Event records").

The line carries the event in its published contract form, the CloudEvent as integrators receive
it, written in structured JSON; never the library's stored state. An internal event (no published
form) is chained with `"event": null`: its position and aggregate are still covered.

The tenant of an event is the CloudEvent's `tenantid`; an internal event has none, so its tenant
is the `tenant_id` of its aggregate's first version (every aggregate of the write services is
created for one tenant and never moves).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from okr_shared.cloudevents import CONTENT_TYPE, SPEC_VERSION, CloudEvent


def canonical_json(value: Any) -> bytes:
    """Keys sorted by code point, no insignificant whitespace, non-ASCII characters unescaped."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def rfc3339(at: datetime) -> str:
    """An instant in UTC with microseconds and `Z`: sortable as text."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def structured(event: CloudEvent) -> dict[str, Any]:
    """The CloudEvent in structured JSON form with the attributes its Kafka record carries.

    `traceparent` is left out: it is transport context the relay replaces with its own span, not
    part of what happened.
    """
    return {
        "specversion": SPEC_VERSION,
        "id": event.id,
        "source": event.source,
        "type": event.type,
        "subject": event.subject,
        "time": event.time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "datacontenttype": CONTENT_TYPE,
        "dataschema": event.dataschema,
        "tenantid": event.tenantid,
        "actorid": event.actorid,
        "correlationid": event.correlationid,
        "causationid": event.causationid,
        "sequence": str(event.sequence),
        "data": event.data,
    }


def event_line(
    service: str,
    tenant_id: str,
    position: int,
    aggregate_id: str,
    aggregate_version: int,
    event: CloudEvent | None,
) -> bytes:
    """The bytes of one event line (without the trailing LF)."""
    return canonical_json(
        {
            "aggregate_id": aggregate_id,
            "aggregate_version": aggregate_version,
            "event": structured(event) if event is not None else None,
            "position": position,
            "service": service,
            "tenant_id": tenant_id,
        }
    )
