"""The platform's metrics, in one registry holding only `okr_` names."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(namespace="okr", registry=REGISTRY)

HTTP_REQUESTS = Counter(
    "okr_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "okr_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method, route and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
RELAY_BACKLOG = Gauge(
    "okr_relay_backlog_events",
    "Events stored but not yet published: the last notification id minus the relay position.",
    ["relay"],
    registry=REGISTRY,
)
RELAY_PUBLISH_FAILURES = Counter(
    "okr_relay_publish_failures",
    "Relay batches that failed (Kafka or the store unreachable) and are retried.",
    ["relay"],
    registry=REGISTRY,
)
RELAY_LEADER = Gauge(
    "okr_relay_leader",
    "1 while this process holds the relay's leader lock (and publishes), else 0.",
    ["relay"],
    registry=REGISTRY,
)
CONSUMER_LAG = Gauge(
    "okr_consumer_lag_records",
    "Records of a partition assigned to this process not yet committed by its group: the high "
    "watermark minus the committed offset (the position when nothing is committed).",
    ["group", "topic", "partition"],
    registry=REGISTRY,
)
RECORDS_CONSUMED = Counter(
    "okr_consumer_records",
    "Records a consumer group took from a topic (handled, skipped or dead-lettered).",
    ["group", "topic"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "okr_dead_letters",
    "Records dead-lettered by a consumer group or quarantined by a relay, by reason class.",
    ["group", "reason"],
    registry=REGISTRY,
)
PROJECTION_LAG = Histogram(
    "okr_projection_lag_seconds",
    "Time from an event's occurrence (its CloudEvent time) to its read-model write.",
    ["topic"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900),
    registry=REGISTRY,
)

REASON_CLASSES = frozenset(
    {
        "undecodable",
        "contract-violation",
        "unprocessable",
        "handler-failed",
        "no-published-form",
        "refused-by-kafka",
    }
)


def reason_class(reason: str) -> str:
    """The class of a dead-letter reason written `<class>: <detail>` or `handler failed ...`
    (a bounded label: anything else is `other`)."""
    head = reason.split(":", 1)[0].strip().lower()
    if head.startswith("handler failed"):
        return "handler-failed"
    name = head.replace(" ", "-")
    return name if name in REASON_CLASSES else "other"


def dead_lettered(group: str, reason: str) -> None:
    """Counts one record dead-lettered by `group`; `reason` is a class or a reason to classify."""
    label = reason if reason in REASON_CLASSES else reason_class(reason)
    DEAD_LETTERS.labels(group=group, reason=label).inc()


def consumed(group: str, topic: str, records: int = 1) -> None:
    RECORDS_CONSUMED.labels(group=group, topic=topic).inc(records)


def projected(topic: str, occurred: datetime, now: datetime | None = None) -> None:
    """Observes how long ago an event occurred, as its read-model write is done."""
    moment = now or datetime.now(UTC)
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=UTC)
    PROJECTION_LAG.labels(topic=topic).observe(max(0.0, (moment - occurred).total_seconds()))
