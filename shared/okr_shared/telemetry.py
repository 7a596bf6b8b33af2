"""One OpenTelemetry bootstrap for every service, and W3C trace-context helpers."""

from __future__ import annotations

import os

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter

_exporters_added: set[int] = set()


def configure_telemetry(service_name: str, exporter: SpanExporter | None = None) -> TracerProvider:
    """Installs the process-wide tracer provider once; adds the exporter if given.

    Without an explicit exporter, spans go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set;
    OTEL_SERVICE_NAME, when set, names the service instead of `service_name`.
    Several services in one process (tests, `make run`) share the first provider.
    """
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        name = os.environ.get("OTEL_SERVICE_NAME") or service_name
        provider = TracerProvider(resource=Resource.create({"service.name": name}))
        trace.set_tracer_provider(provider)
        if exporter is None and os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if exporter is not None and id(exporter) not in _exporters_added:
        _exporters_added.add(id(exporter))
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def current_traceparent() -> str | None:
    """The W3C traceparent of the active span, to be stored with an event."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> otel_context.Context:
    """A context whose parent is the given traceparent (or an empty one)."""
    return propagate.extract({"traceparent": traceparent} if traceparent else {})
