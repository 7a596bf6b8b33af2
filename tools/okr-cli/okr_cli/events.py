"""`okr events republish` and `okr events tail`.

Republishing reads a write service's event store (its own settings, through its `bootstrap`)
and publishes the stored events again to its topic in their published form, with the same
`ce_id`: consumers dedupe by aggregate version, so a range published twice changes no read
model. The relay's recorded position is never touched.
"""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from okr_cli.output import (
    JSON_OPTION,
    CliError,
    emit_json,
    expected_failures,
    out_console,
    progress,
)
from okr_cli.sources import SERVICES, Source, open_source
from okr_shared.cloudevents import UndecodableEvent, from_kafka
from okr_shared.messaging import ensure_topics
from okr_shared.settings import KafkaSettings

app = typer.Typer(help="Events on Kafka: republished from the event stores, or tailed.")


def check_service(service: str) -> str:
    if service not in SERVICES:
        raise typer.BadParameter(f"must be one of {', '.join(SERVICES)}", param_hint="--service")
    return service


async def republish_range(
    source: Source, start: int, stop: int | None, on_batch: Any = None, batch: int = 500
) -> dict[str, Any]:
    """Publishes the stored events from `start` to `stop` (notification positions, both included)
    to the service's topic; what it published, skipped and could not publish."""
    kafka = source.relay.publisher
    await ensure_topics(source.container.settings.kafka, [source.topic])
    await kafka.start()
    published, internal, unpublishable, last = 0, 0, [], None
    try:
        reading = source.read(start, stop, batch)
        while True:
            items = await asyncio.to_thread(next, reading, None)
            if items is None:
                break
            events = [item.event for item in items if item.event is not None]
            await kafka.publish(source.topic, events)
            published += len(events)
            for item in items:
                if item.failure is not None:
                    unpublishable.append({"position": item.notification.id, "reason": item.failure})
                elif item.event is None:
                    internal += 1
            last = items[-1].notification.id
            if on_batch is not None:
                on_batch(len(items))
    finally:
        await kafka.stop()
    return {
        "service": source.service,
        "topic": source.topic,
        "from_position": start,
        "to_position": last,
        "published": published,
        "internal": internal,
        "unpublishable": unpublishable,
    }


async def _republish(
    service: str, start: int, stop: int | None, update: Any, advance: Any, task: Any
) -> dict[str, Any]:
    source = open_source(service)
    try:
        last = await asyncio.to_thread(source.last_position)
        end = min(last, stop) if stop is not None else last
        update(task, total=max(0, end - start + 1))
        return await republish_range(source, start, end, lambda n: advance(task, n))
    finally:
        await source.close()


@app.command()
def republish(
    service: Annotated[str, typer.Option("--service", "-s", help=f"One of {', '.join(SERVICES)}.")],
    from_position: Annotated[
        int, typer.Option("--from-position", min=1, help="The first notification (included).")
    ],
    to_position: Annotated[
        int | None, typer.Option("--to-position", min=1, help="The last one (included).")
    ] = None,
    as_json: bool = JSON_OPTION,
) -> None:
    """Publishes a service's stored events again (same ce_id) to its topic."""
    check_service(service)
    if to_position is not None and to_position < from_position:
        raise typer.BadParameter("must not be before --from-position", param_hint="--to-position")
    with expected_failures(f"the {service} event store or Kafka"), progress(quiet=as_json) as bar:
        task = bar.add_task(f"republish {service}", total=None)
        result = asyncio.run(
            _republish(service, from_position, to_position, bar.update, bar.advance, task)
        )
    if as_json:
        emit_json(result)
        return
    out_console().print(
        f"republished {result['published']} events of {service} to {result['topic']}"
        f" (positions {from_position}..{result['to_position'] or '-'}; "
        f"{result['internal']} internal, {len(result['unpublishable'])} unpublishable)"
    )
    for item in result["unpublishable"]:
        out_console().print(f"  position {item['position']}: {item['reason']}")


async def read_topic(
    settings: KafkaSettings, topic: str, from_beginning: bool, count: int | None, idle: float
) -> list[dict[str, Any]]:
    """Up to `count` records of the topic (all partitions; from the start or from now), until
    none arrives for `idle` seconds; each as a CloudEvent's fields, or why it is not one."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(**settings.client_kwargs(), group_id=None, enable_auto_commit=False)
    try:
        await consumer.start()
        partitions = (
            consumer.partitions_for_topic(topic) if topic in await consumer.topics() else None
        )
        if not partitions:
            raise CliError(f"unknown topic {topic!r}")
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        if from_beginning:
            await consumer.seek_to_beginning(*assigned)
        else:
            await consumer.seek_to_end(*assigned)
        records: list[dict[str, Any]] = []
        while count is None or len(records) < count:
            batch = await consumer.getmany(timeout_ms=int(idle * 1000))
            if not batch:
                break
            for record in sorted(
                (r for rs in batch.values() for r in rs), key=lambda r: r.timestamp
            ):
                records.append(shown(record))
        return records[:count] if count is not None else records
    finally:
        await consumer.stop()


def shown(record: Any) -> dict[str, Any]:
    """A Kafka record as `tail` shows it."""
    headers = {k: v.decode(errors="replace") for k, v in record.headers or ()}
    where = {"partition": record.partition, "offset": record.offset}
    try:
        event = from_kafka(headers, record.value or b"")
    except UndecodableEvent as exc:
        return {**where, "type": None, "id": headers.get("ce_id"), "undecodable": exc.reason}
    return {
        **where,
        "type": event.type,
        "id": event.id,
        "subject": event.subject,
        "time": event.time,
        "tenant": event.tenantid,
        "sequence": event.sequence,
        "data": event.data,
    }


@app.command()
def tail(
    topic: Annotated[str, typer.Option("--topic", help="e.g. okr.goals.v1 (namespace applied).")],
    from_beginning: Annotated[
        bool, typer.Option("--from-beginning", help="From the oldest record kept.")
    ] = False,
    count: Annotated[
        int | None, typer.Option("--count", "-n", min=1, help="Stop after this many.")
    ] = None,
    idle: Annotated[
        float, typer.Option("--idle-seconds", min=0.1, help="Stop when none came for this long.")
    ] = 3.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines, one event each.")] = False,
) -> None:
    """Prints the CloudEvents of a topic: type, id, subject, time and data."""
    settings = KafkaSettings()
    name = settings.topic(topic)
    with expected_failures(f"Kafka at {settings.bootstrap_servers}"):
        records = asyncio.run(read_topic(settings, name, from_beginning, count, idle))
    if as_json:
        for record in records:
            emit_json(record)
        return
    table = Table(title=f"{name}: {len(records)} events")
    for column in ("type", "id", "subject", "time", "data"):
        table.add_column(column, overflow="fold")
    for r in records:
        data = r.get("data")
        table.add_row(
            r["type"] or "(undecodable)",
            r["id"] or "",
            r.get("subject") or r.get("undecodable", ""),
            r["time"].isoformat() if r.get("time") else "",
            json.dumps(data, ensure_ascii=False)[:200] if data is not None else "",
        )
    out_console().print(table)
