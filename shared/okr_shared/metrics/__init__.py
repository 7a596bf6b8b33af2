"""Prometheus metrics of the platform's services, served at `GET /metrics` on each HTTP port.

`prometheus_client` rather than the OpenTelemetry metrics SDK: the text format, a registry of
our own (only `okr_` names) and gauges refreshed at scrape time (`sources`) need nothing else;
traces stay with OpenTelemetry. One process per service (one uvicorn worker; replicas scale
out, each scraped on its own), so no multiprocess mode.
"""

from okr_shared.metrics.definitions import (
    CONSUMER_LAG,
    DEAD_LETTERS,
    HTTP_DURATION,
    HTTP_REQUESTS,
    PROJECTION_LAG,
    RECORDS_CONSUMED,
    REGISTRY,
    RELAY_BACKLOG,
    RELAY_LEADER,
    RELAY_PUBLISH_FAILURES,
    consumed,
    dead_lettered,
    projected,
    reason_class,
)
from okr_shared.metrics.sources import refresh, watch_broker, watch_relay

__all__ = [
    "CONSUMER_LAG",
    "DEAD_LETTERS",
    "HTTP_DURATION",
    "HTTP_REQUESTS",
    "PROJECTION_LAG",
    "RECORDS_CONSUMED",
    "REGISTRY",
    "RELAY_BACKLOG",
    "RELAY_LEADER",
    "RELAY_PUBLISH_FAILURES",
    "consumed",
    "dead_lettered",
    "projected",
    "reason_class",
    "refresh",
    "watch_broker",
    "watch_relay",
]
