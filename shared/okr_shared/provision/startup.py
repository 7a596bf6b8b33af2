"""The check a service makes at start with `OKR_PROVISIONING=external`: its tables and topics
exist, else it refuses to start naming each missing one and the job that makes it."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from okr_shared.provision.catalogue import TABLES, service_topics
from okr_shared.provision.tables import missing_tables
from okr_shared.provision.topics import missing_topics
from okr_shared.settings import KafkaSettings


class NotProvisioned(RuntimeError):
    """What the service needs was not provisioned; the message names each missing part."""


def require_provisioned(
    service: str,
    kafka: KafkaSettings,
    event_store: dict[str, str] | None = None,
    group: str | None = None,
) -> None:
    """With `OKR_PROVISIONING=external`, raises NotProvisioned naming the missing tables (when
    the service's store is PostgreSQL) and topics (with its consumer `group`'s dead letters);
    does nothing in `auto` mode."""
    if not kafka.provisioned_externally:
        return
    problems = []
    if service in TABLES and event_store is not None and _on_postgres(service, event_store):
        tables = missing_tables(service, event_store)
        if tables:
            problems.append(
                f"PostgreSQL tables missing: {', '.join(tables)}"
                f" (python -m okr_shared.provision tables --service {service} --grant-to <role>)"
            )
    topics = _run(missing_topics(kafka, service_topics(service, kafka, group)))
    if topics:
        problems.append(
            f"Kafka topics missing: {', '.join(topics)} (python -m okr_shared.provision topics)"
        )
    if problems:
        raise NotProvisioned(
            f"the {service} service is not provisioned (OKR_PROVISIONING=external): "
            + "; ".join(problems)
        )


def _on_postgres(service: str, env: dict[str, str]) -> bool:
    prefix = service.upper()
    module = env.get(f"{prefix}_PERSISTENCE_MODULE") or env.get("PERSISTENCE_MODULE")
    return module == "eventsourcing.postgres"


def _run(coroutine):  # type: ignore[no-untyped-def]
    """Runs the coroutine to its end, also when called inside a running event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
