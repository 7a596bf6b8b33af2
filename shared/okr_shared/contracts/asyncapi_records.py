"""The Kafka records the AsyncAPI catalogue describes besides the contracts: the CloudEvents
headers every event carries (`cloudevents.to_kafka`), the record key, and the two dead-letter
records (an outbox relay's quarantine, a consumer's dead letter), as AsyncAPI schemas."""

from __future__ import annotations

from typing import Any

from okr_shared.cloudevents import CONTENT_TYPE, SPEC_VERSION

KAFKA_BINDING = "0.5.0"
Document = dict[str, Any]


def _header(description: str, **rules: Any) -> Document:
    return {"type": "string", "description": description, **rules}


def cloud_event_headers() -> Document:
    """The Kafka headers of every platform event (`cloudevents.to_kafka`), as a schema."""
    properties = {
        "ce_specversion": _header("CloudEvents spec version.", const=SPEC_VERSION),
        "ce_id": _header("Stable per stored event: deduplicate on it."),
        "ce_source": _header("The producing context: /okr/<context>.", pattern="^/okr/[a-z]+$"),
        "ce_type": _header("okr.<context>.<EventName>.", pattern=r"^okr\.[a-z]+\.[A-Za-z]+$"),
        "ce_subject": _header("The business id the event is about; also the record key."),
        "ce_time": _header("When the event was stored (RFC 3339, UTC).", format="date-time"),
        "ce_dataschema": _header(
            "The data's JSON Schema: urn:okr:schema:<context>:<EventName>:<version>.",
            pattern="^urn:okr:schema:[a-z]+:[A-Za-z]+:[0-9]+$",
        ),
        "content-type": _header("The data's content type.", const=CONTENT_TYPE),
        "ce_tenantid": _header("The tenant (extension)."),
        "ce_actorid": _header("Who caused the event (extension)."),
        "ce_correlationid": _header("The request or flow the event belongs to (extension)."),
        "ce_causationid": _header("What directly caused the event (extension)."),
        "ce_sequence": _header(
            "The producer's stream version after the event (extension).", pattern="^[1-9][0-9]*$"
        ),
    }
    return {
        "type": "object",
        "description": "CloudEvents Kafka binary-mode headers; W3C trace context"
        " (`traceparent`, `tracestate`) may follow.",
        "required": list(properties),
        "properties": {
            **properties,
            "traceparent": _header("W3C trace context of the producing request."),
            "tracestate": _header("W3C trace state."),
        },
    }


def subject_key() -> Document:
    return {"type": "string", "description": "`ce_subject` (UTF-8): the business key."}


def relay_quarantine() -> Document:
    """The record an outbox relay publishes for a stored event it cannot publish
    (`OutboxRelay._quarantine`): the facts as headers and as a JSON value."""
    facts = {
        "reason": "Why the event cannot be published (at most 1000 characters).",
        "relay": "The relay's name.",
        "source_topic": "The topic the event was meant for.",
        "notification_id": "The event's position in the service's notification log.",
        "originator_id": "The stored aggregate's id (also the record key).",
        "originator_version": "The aggregate version of the event.",
        "event_topic": "The stored event's class topic.",
    }
    return {
        "name": "RelayQuarantine",
        "title": "Quarantined stored event",
        "summary": "A stored event the outbox relay could not publish, and why.",
        "contentType": CONTENT_TYPE,
        "tags": [{"name": "dead-letter"}],
        "headers": _strings({f"dlq_{k}": v for k, v in facts.items()}),
        "payload": _strings(facts, closed=True),
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The stored aggregate's id."},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def dead_letter() -> Document:
    """The record a consumer publishes for one it can never handle (`consumer.dead_letter`): the
    record as it came, its string headers kept, why and where from added."""
    facts = {
        "dlq_reason": "Why the record can never be handled (at most 1000 characters).",
        "dlq_source_topic": "The topic it was read from.",
        "dlq_source_partition": "Its partition there.",
        "dlq_source_offset": "Its offset there.",
        "dlq_consumer_group": "The consumer group that gave up on it.",
    }
    headers = _strings(facts)
    headers["description"] = "The original record's string headers (`ce_*` ...), and these."
    return {
        "name": "ConsumerDeadLetter",
        "title": "Dead-lettered record",
        "summary": "A record a consumer group could never handle, unchanged, with the reason.",
        "tags": [{"name": "dead-letter"}],
        "headers": headers,
        "payload": {"description": "The original record's value, unchanged (maybe not JSON)."},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": "The original record's key."},
                "bindingVersion": KAFKA_BINDING,
            }
        },
    }


def _strings(fields: dict[str, str], closed: bool = False) -> Document:
    schema: Document = {
        "type": "object",
        "required": list(fields),
        "properties": {k: {"type": "string", "description": v} for k, v in fields.items()},
    }
    if closed:
        schema["additionalProperties"] = False
    return schema
