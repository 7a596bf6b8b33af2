"""Scale-out on one machine: the same open-loop check-in load against one replica of every
service, then against three (the same databases, Kafka partitions and consumer groups), and a
check from outside that nothing was lost or applied twice.

After each run the checker waits for the read model to settle, then compares it with what the
load generator was told: every accepted check-in is in its key result's read-model document
exactly once; the check-in topic holds each accepted check-in, and no record twice (two relay
leaders would publish twice); each key result's current value in the objective read model is
the last value accepted for it. On FerretDB one projection replica consumes (its SQLite backend
does not update one document atomically under concurrency); the others serve reads.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from okr_projections.check_ins.domain import key_result_key
from okr_shared.messaging import CHECKINS_TOPIC
from okr_shared.settings import KafkaSettings, replace
from tests.bench import scenarios
from tests.bench.load import Load, offer
from tests.bench.platform import TENANT, Bench, service_envs
from tests.bench.results import Figure
from tests.support.kafka_records import records_on

REPLICAS = (1, 3)
RATE, SECONDS = 300, 6.0
SETTLE_SECONDS = 180.0


@dataclass
class Accepted:
    """What the load generator was told: the accepted check-ins of each key result, and the
    value of the last one accepted (values rise through the run)."""

    ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    last: dict[tuple[str, str], float] = field(default_factory=dict)

    def accept(self, response: httpx.Response) -> bool:
        if response.status_code != 201:
            return False
        body = response.json()
        kr = body["key_result_id"]
        self.ids[kr].append(body["check_in_id"])
        key = (body["objective_id"], kr)
        self.last[key] = max(self.last.get(key, 0.0), float(body["value"]))
        return True

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.ids.values())


async def published(kafka: KafkaSettings) -> Counter[str]:
    """How many times each check-in id is on the check-in topic, from its start to its end."""
    records = await records_on(kafka.bootstrap_servers, kafka.topic(CHECKINS_TOPIC), 120)
    seen: Counter[str] = Counter()
    for r in records:
        if dict(r.headers).get("ce_type") == b"okr.checkins.CheckInRecorded":
            seen[json.loads(r.value)["check_in_id"]] += 1
    return seen


async def _logged(db: Any, kr: str) -> list[str]:
    """The check-in ids in a key result's read-model document, read by `_id` (FerretDB scans
    for any other filter)."""
    doc = await db["key_result_checkins"].find_one(
        {"_id": key_result_key(TENANT, kr)}, {"check_ins.check_in_id": 1}
    )
    return [c["check_in_id"] for c in (doc or {}).get("check_ins", [])]


async def read_model(s: scenarios.Stack, accepted: Accepted) -> dict[str, Any]:
    """Waits until every accepted check-in is in the read model (or the settle time is up);
    then what is missing, doubled or stale there."""
    client: AsyncMongoClient = AsyncMongoClient(s.mongo_url, timeoutMS=30_000)
    db = client[s.db]
    deadline = time.monotonic() + SETTLE_SECONDS
    try:
        while True:
            logs = {kr: await _logged(db, kr) for kr in accepted.ids}
            missing = sum(len(set(ids) - set(logs.get(kr, ()))) for kr, ids in accepted.ids.items())
            if not missing or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        doubled = sum(len(ids) - len(set(ids)) for ids in logs.values())
        stale = 0
        for (oid, kr), value in accepted.last.items():
            doc = await db["objective_progress"].find_one({"_id": oid}) or {}
            current = {k["key_result_id"]: k.get("current") for k in doc.get("key_results", [])}
            stale += current.get(kr) != value
        return {"missing": missing, "doubled": doubled, "stale": stale}
    finally:
        await client.close()


def run(bench: Bench, replicas: int) -> dict[str, Any]:
    namespace = f"{bench.namespace}-x{replicas}"
    kafka = replace(bench.kafka, topic_namespace=namespace)
    with scenarios.stack(
        bench.infra, namespace, *service_envs(bench), bench.token, replicas=replicas
    ) as s:
        calls = scenarios.CheckIns(scenarios.prepare(s, objectives=50))
        accepted = Accepted()
        load = Load(
            s.checkins,
            calls.make,
            s.headers,
            concurrency=32,
            accepted=accepted.accept,
            replicas=s.checkins_all,
        )
        step = asyncio.run(offer(load, RATE, int(RATE * SECONDS), SECONDS))
        scenarios.show(f"{replicas} replica(s)", step)
        found = asyncio.run(read_model(s, accepted))
    on_kafka = asyncio.run(published(kafka))
    ids = [i for v in accepted.ids.values() for i in v]
    return {
        "replicas": replicas,
        "step": step.summary(),
        "accepted": accepted.count,
        **found,
        "lost_on_kafka": sum(1 for i in ids if i not in on_kafka),
        "published_twice": sum(1 for n in on_kafka.values() if n > 1),
    }


def scale_figures(bench: Bench) -> list[Figure]:
    runs = {r: run(bench, r) for r in REPLICAS}
    one, many = runs[REPLICAS[0]], runs[REPLICAS[-1]]
    figures = [
        Figure(
            f"scale.x{r}",
            f"single check-ins accepted at {RATE}/s offered, {r} replica(s) of each service",
            runs[r]["step"]["achieved"],
            "check-ins/s",
            f"scale.x{REPLICAS[0]}" if r != REPLICAS[0] else "baseline.es_save.1",
            note=_integrity(runs[r]),
        )
        for r in REPLICAS
    ]
    bench_ratio = (
        many["step"]["achieved"] / one["step"]["achieved"] if one["step"]["achieved"] else 0
    )
    print(f"[bench]   scale-out: {bench_ratio:.2f} x with {REPLICAS[-1]} replicas", flush=True)
    return figures


def _integrity(r: dict[str, Any]) -> str:
    return (
        f"({r['accepted']} accepted: {r['missing']} missing from the read model, "
        f"{r['doubled']} applied twice, {r['stale']} key results stale, "
        f"{r['lost_on_kafka']} not on Kafka, {r['published_twice']} published twice; "
        f"p99 {r['step']['latency_ms']['p99']:.0f} ms, errors {r['step']['errors'] or 0})"
    )
