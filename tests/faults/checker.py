"""The checker: after the faults stop and the platform quiesces, what the generator was told
against what the event stores, Kafka and the read models hold, looked at from outside.

- every acknowledged write is in its event store (read with SQL), on Kafka (its event, by id)
  and in the read models;
- no write is in an event store or a read model twice (every request carries a value of its
  own), and the read models equal a model recomputed from the event stores: each key result's
  check-ins and current value, and a document for every objective;
- every consumer group's committed offsets reach the end of its topics (lag zero);
- the dead-letter topics hold the deliberately poisoned records and nothing else;
- the goal service's tree as of an instant holds every objective acknowledged before it and none
  asked for after it; the check-in service's value of each key result as known at that instant
  equals the one recomputed from the event store, and lies between the largest value
  acknowledged before it and the largest sent before it.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from pymongo import AsyncMongoClient

from okr_projections.check_ins.domain import key_result_key
from okr_shared.messaging import CHECKINS_TOPIC, GOALS_TOPIC
from tests.faults import event_stores
from tests.faults.load import Ledger, World
from tests.faults.platform import Platform
from tests.support.kafka_records import records_on
from tests.support.org import CYCLE

POISON_TYPE = "okr.checkins.CheckInRecorded"


async def group_lag(bootstrap: str, groups: list[str]) -> dict[str, int]:
    """Per consumer group, how many records of the partitions it has committed offsets on lie
    beyond its committed offsets."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await admin.start()
        await consumer.start()
        lags = {}
        for group in groups:
            committed = await admin.list_consumer_group_offsets(group)
            parts = [tp for tp, o in committed.items() if o.offset >= 0]
            ends = await consumer.end_offsets(parts) if parts else {}
            lags[group] = sum(max(0, ends[tp] - committed[tp].offset) for tp in parts)
        return lags
    finally:
        await consumer.stop()
        await admin.close()


async def poison(p: Platform, count: int = 3) -> list[str]:
    """Copies of a real check-in record, each with an id of its own and a body no consumer can
    apply (not JSON, or breaking the contract): they must end on dead-letter topics, and only
    they."""
    from aiokafka import AIOKafkaProducer

    topic = p.topic(CHECKINS_TOPIC)
    real = next(
        r
        for r in await records_on(p.infra.kafka_bootstrap, topic, 60)
        if dict(r.headers).get("ce_type") == POISON_TYPE.encode()
    )
    producer = AIOKafkaProducer(bootstrap_servers=p.infra.kafka_bootstrap)
    await producer.start()
    ids = []
    try:
        for i in range(count):
            ce_id = f"poison-{p.namespace}-{i}"
            broken = {**json.loads(real.value), "check_in_id": 7}
            value = b"{not json" if i % 2 == 0 else json.dumps(broken).encode()
            headers = [(k, ce_id.encode() if k == "ce_id" else v) for k, v in real.headers]
            await producer.send_and_wait(topic, value, key=real.key, headers=headers)
            ids.append(ce_id)
    finally:
        await producer.stop()
    return ids


@dataclass
class Findings:
    """What the checker found; every count but `republished` must be 0."""

    acknowledged: int = 0
    lost_in_event_store: int = 0
    lost_on_kafka: int = 0
    lost_in_read_model: int = 0
    doubled: int = 0
    divergent: int = 0
    lag_left: int = 0
    unexpected_dead_letters: int = 0
    poison_not_dead_lettered: int = 0
    time_travel_wrong: int = 0
    unanswered_reads: int = 0
    republished: int = 0
    examples: list[str] = field(default_factory=list)

    def note(self, kind: str, what: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.examples) < 20:
            self.examples.append(f"{kind}: {what}")

    @property
    def failures(self) -> dict[str, int]:
        counts = {k: v for k, v in vars(self).items() if isinstance(v, int)}
        return {k: v for k, v in counts.items() if v and k not in ("acknowledged", "republished")}


async def _value(client: httpx.AsyncClient, url: str, headers, kr: str, **params) -> Any:
    r = await client.get(f"{url}/v1/key-results/{kr}/value", headers=headers, params=params)
    if r.status_code != 200:
        raise Unanswered(f"the value of {kr} ({params}): {r.status_code} {r.text[:200]}")
    return r.json()


class Unanswered(Exception):
    """A service did not answer a read the checker needs."""


async def _on_kafka(p: Platform) -> tuple[Counter[str], Counter[str]]:
    """How often each check-in id and each objective id is on its topic as its first event."""
    check_ins, objectives = Counter[str](), Counter[str]()
    for r in await records_on(p.infra.kafka_bootstrap, p.topic(CHECKINS_TOPIC), 120):
        if dict(r.headers).get("ce_type") == b"okr.checkins.CheckInRecorded":
            try:
                check_ins[json.loads(r.value)["check_in_id"]] += 1
            except (ValueError, KeyError, TypeError):
                continue
    for r in await records_on(p.infra.kafka_bootstrap, p.topic(GOALS_TOPIC), 120):
        if dict(r.headers).get("ce_type") == b"okr.goals.ObjectiveCreated":
            objectives[json.loads(r.value)["objective_id"]] += 1
    return check_ins, objectives


async def _dead_letters(p: Platform) -> list[tuple[str, str]]:
    """(topic, original ce_id) of every record on the platform's dead-letter topics."""
    admin = AIOKafkaAdminClient(bootstrap_servers=p.infra.kafka_bootstrap)
    await admin.start()
    try:
        topics = [
            t for t in await admin.list_topics() if t.startswith(f"{p.namespace}.okr.deadletter")
        ]
    finally:
        await admin.close()
    found = []
    for topic in topics:
        for r in await records_on(p.infra.kafka_bootstrap, topic, 60):
            found.append((topic, (dict(r.headers).get("ce_id") or b"?").decode()))
    return found


async def check(
    p: Platform, world: World, ledger: Ledger, poisoned: list[str], instant: datetime
) -> Findings:
    f = Findings(acknowledged=len(ledger.acked))
    lags = await group_lag(p.infra.kafka_bootstrap, list(p.groups.values()))
    f.lag_left = sum(lags.values())
    f.examples += [f"lag_left: group {g} is {n} records behind" for g, n in lags.items() if n]
    on_kafka, objectives_on_kafka = await _on_kafka(p)
    f.republished = sum(n - 1 for n in on_kafka.values() if n > 1) + sum(
        n - 1 for n in objectives_on_kafka.values() if n > 1
    )
    stored = event_stores.read(p.infra, p.databases["goals"], p.databases["checkins"])
    mongo: AsyncMongoClient = AsyncMongoClient(p.infra.mongo_url, timeoutMS=30_000)
    db = mongo[p.mongo_db]
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            await _check_ins(f, stored, ledger, db, on_kafka)
            try:
                await _objectives(f, p, world, stored, ledger, db, client, objectives_on_kafka)
                await _time_travel(f, p, world, stored, ledger, client, instant)
            except Unanswered as e:
                f.note("unanswered_reads", str(e))
    finally:
        await mongo.close()
    _dead_letter_findings(f, await _dead_letters(p), poisoned)
    return f


async def _check_ins(f, stored: event_stores.Stored, ledger, db, on_kafka) -> None:
    """Each key result's acknowledged check-ins against its event store, the check-in topic and
    its read-model document; a value twice is a write applied twice."""
    acked: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in ledger.acked.values():
        if a.kind == "check_in":
            acked[(a.tenant, a.key_result_id)].append(a.id)
    for tenant, kr in set(acked) | set(stored.check_ins):
        history = stored.check_ins.get((tenant, kr), [])
        ids = acked.get((tenant, kr), [])
        in_store = [c["check_in_id"] for c in history]
        _doubled(f, Counter(c["value"] for c in history), f"the event store of {kr}")
        _doubled(f, Counter(in_store), f"the event store of {kr} (ids)")
        for i in set(ids) - set(in_store):
            f.note("lost_in_event_store", f"check-in {i}")
        for i in ids:
            if i not in on_kafka:
                f.note("lost_on_kafka", f"check-in {i}")
        doc = await db["key_result_checkins"].find_one({"_id": key_result_key(tenant, kr)})
        entries = (doc or {}).get("check_ins", [])
        logged = [c["check_in_id"] for c in entries]
        _doubled(f, Counter(c.get("value") for c in entries), f"the read model of {kr}")
        _doubled(f, Counter(logged), f"the read model of {kr} (ids)")
        for i in set(ids) - set(logged):
            f.note("lost_in_read_model", f"check-in {i} of {kr}")
        if set(logged) != set(in_store):
            f.note("divergent", f"key_result_checkins {kr}: {len(logged)} vs {len(in_store)}")


def _doubled(f: Findings, counts: Counter, where: str) -> None:
    for v, n in counts.items():
        if n > 1:
            f.note("doubled", f"{v} {n} times in {where}")


def _dead_letter_findings(f: Findings, dead: list[tuple[str, str]], poisoned: list[str]) -> None:
    for topic, ce_id in dead:
        if ce_id not in poisoned:
            f.note("unexpected_dead_letters", f"{ce_id} on {topic}")
    dead_ids = {ce_id for _, ce_id in dead}
    for ce_id in poisoned:
        if ce_id not in dead_ids:
            f.note("poison_not_dead_lettered", ce_id)


async def _objectives(f, p, world, stored, ledger, db, client, on_kafka) -> None:
    """Every acknowledged objective is in the event store, readable from the goal service and on
    Kafka; every stored objective has a read-model document, whose key results' current values
    equal those recomputed from the check-in event store."""
    for a in ledger.acked.values():
        if a.kind != "objective":
            continue
        if stored.objectives.get(a.id) != a.tenant:
            f.note("lost_in_event_store", f"objective {a.id}")
        r = await client.get(
            f"{p.url('goals')}/v1/objectives/{a.id}", headers=world.headers[a.tenant]
        )
        if r.status_code != 200:
            f.note("lost_in_event_store", f"objective {a.id}: {r.status_code} from the service")
        if a.id not in on_kafka:
            f.note("lost_on_kafka", f"objective {a.id}")
    for oid in stored.objectives:
        if await db["objective_progress"].find_one({"_id": oid}, {"_id": 1}) is None:
            f.note("lost_in_read_model", f"objective {oid}")
    await _current_values(f, world, stored, db)


async def _current_values(f, world, stored, db) -> None:
    for tenant, krs in world.key_results.items():
        for oid, kr in krs:
            doc = await db["objective_progress"].find_one({"_id": oid}) or {}
            current = {k["key_result_id"]: k.get("current") for k in doc.get("key_results", [])}
            expected = event_stores.value_known_at(stored.check_ins.get((tenant, kr), []))
            if current.get(kr) != expected:
                f.note(
                    "divergent", f"objective_progress {oid} {kr}: {current.get(kr)} vs {expected}"
                )


async def _time_travel(f, p, world, stored, ledger, client, instant: datetime) -> None:
    """The tree and the values as of `instant` against what the generator saw around it."""
    margin = 0.05
    asked_after = {
        o.body["objective_id"]
        for o in ledger.outcomes
        if o.request.kind == "objective"
        and o.ok
        and (ledger.wall(o.sent) - instant).total_seconds() > margin
    }
    for tenant in world.key_results:
        headers = world.headers[tenant]
        when = instant.isoformat()
        r = await client.get(
            f"{p.url('goals')}/v1/cycles/{CYCLE}/tree", headers=headers, params={"as_of": when}
        )
        if r.status_code != 200:
            f.note("unanswered_reads", f"the tree as of {when}: {r.status_code} {r.text[:200]}")
            continue
        in_tree = set(_ids(r.json()["roots"]))
        for a in ledger.acked.values():
            if a.tenant == tenant and a.kind == "objective":
                if (instant - a.at).total_seconds() > margin and a.id not in in_tree:
                    f.note(
                        "time_travel_wrong", f"objective {a.id} missing from the tree as of {when}"
                    )
                if a.id in asked_after and a.id in in_tree:
                    f.note(
                        "time_travel_wrong", f"objective {a.id} in the tree before it was asked for"
                    )
        krs = world.key_results[tenant]
        await _values_known(f, p, stored, ledger, client, krs, tenant, headers, instant)


async def _values_known(f, p, stored, ledger, client, krs, tenant, headers, instant) -> None:
    """Each key result's value as known at `instant`: the service's against the one recomputed
    from the event store and against the values acknowledged and sent before it."""
    margin, when = 0.05, instant.isoformat()
    for _, kr in krs:
        acked = [
            a.value
            for a in ledger.acked.values()
            if a.key_result_id == kr and (instant - a.at).total_seconds() > margin
        ]
        sent = [
            v
            for t, tn, k, v in ledger.sent_values
            if k == kr and (t - instant).total_seconds() < margin
        ]
        answer = await _value(client, p.url("checkins"), headers, kr, known_at=when)
        known = answer["value"]
        recomputed = event_stores.value_known_at(stored.check_ins.get((tenant, kr), []), instant)
        if known != recomputed:
            f.note(
                "time_travel_wrong",
                f"{kr} as known at {when}: {known}, the store says {recomputed}",
            )
        low, high = max(acked, default=None), max(sent, default=None)
        if low is not None and (known is None or known < low):
            f.note("time_travel_wrong", f"{kr} as known at {when}: {known} < acknowledged {low}")
        if known is not None and high is not None and known > high:
            f.note(
                "time_travel_wrong",
                f"{kr} as known at {when}: {known} > sent {high} ({answer['check_in']})",
            )


def _ids(nodes: list[dict[str, Any]]) -> list[str]:
    out = []
    for n in nodes:
        out.append(n["objective_id"])
        out += _ids(n.get("children", []))
    return out


async def quiesce(p: Platform, ledger: Ledger, seconds: float = 240) -> float | None:
    """Seconds until every consumer group's lag is zero (None if not within `seconds`)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < seconds:
        try:
            lags = await group_lag(p.infra.kafka_bootstrap, list(p.groups.values()))
        except Exception:  # noqa: BLE001 - Kafka still coming back
            lags = {"?": 1}
        if not any(lags.values()):
            return loop.time() - start
        await asyncio.sleep(0.5)
    return None
