"""Erasure on the real stack (PostgreSQL event stores, Kafka, FerretDB).

A person checks in with notes and is erased: afterwards the notes are unreadable in the goal and
check-in services' reads and in the projections, the stored event rows (read with SQL) are byte
for byte what they were (so any hash over them is unchanged), and republishing the check-in
service's events publishes the erased form. Kafka still holds the records published before the
erasure until retention ends; that is stated in the README.
"""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import psycopg
import pytest
from pymongo import MongoClient

from okr_checkins.bootstrap import bootstrap as checkins_bootstrap
from okr_checkins.settings import CheckinsSettings
from okr_shared.messaging import CHECKINS_TOPIC
from tests.support.kafka_records import records_on
from tests.support.org import CYCLE
from tests.support.processes import wait_for
from tests.support.relaying import relay_all

SEALED = re.compile(rb"sealed:v1:[0-9a-f]+:[A-Za-z0-9+/=]+")
NOTE = {"progress": "half way there", "plans": "ship the beta", "problems": "vendor late"}


def ok(r: httpx.Response, status=(200, 201, 202)) -> dict:
    assert r.status_code in status, r.text
    return r.json()


def conninfo(stack, env_prefix: str, process) -> str:
    infra = stack.infra
    return (
        f"host={infra.pg_host} port={infra.pg_port} user={infra.pg_user} "
        f"password={infra.pg_password} dbname={process.env[f'{env_prefix}_POSTGRES_DBNAME']}"
    )


def event_rows(dsn: str, table: str) -> dict[tuple[str, int], bytes]:
    """Every stored event's state, by aggregate and version, read with SQL."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            f"SELECT originator_id, originator_version, state FROM {table}"
        ).fetchall()
    return {(str(o), v): bytes(s) for o, v, s in rows}


def max_position(dsn: str, table: str) -> int:
    """The position of the last event stored in the service's event store, read with SQL."""
    with psycopg.connect(dsn) as conn:
        return conn.execute(f"SELECT max(notification_id) FROM {table}").fetchone()[0]


def sealed_in(rows: dict[tuple[str, int], bytes]) -> set[bytes]:
    return {m for state in rows.values() for m in SEALED.findall(state)}


@pytest.fixture(scope="module")
def story(stack, tenant):
    """A team objective whose key result `dev` owns, in an active cycle."""
    admin = httpx.Client(base_url=stack.goals_url, headers=tenant.admin, timeout=30)
    team = ok(
        admin.post(
            "/v1/objectives",
            json={
                "title": "Fast checkout",
                "level": "team",
                "owner_type": "org_unit",
                "owner_id": "web",
                "cycle_id": CYCLE,
                "key_results": [
                    {
                        "title": "Checkout time",
                        "kind": "decrease_to",
                        "start": 90,
                        "target": 30,
                        "owner_id": "dev",
                    }
                ],
            },
        )
    )
    ok(admin.post(f"/v1/cycles/{CYCLE}/state", json={"state": "active", "reason": "go"}))
    return team["key_results"][0]["key_result_id"]


def test_an_erased_persons_notes_are_unreadable_everywhere_and_the_stored_rows_unchanged(
    stack, tenant, story, monkeypatch
):
    key_result = story
    dev = httpx.Client(base_url=stack.checkins_url, headers=tenant.headers("dev"), timeout=30)
    admin_goals = httpx.Client(base_url=stack.goals_url, headers=tenant.admin, timeout=30)
    projections = httpx.Client(base_url=stack.projections_url, headers=tenant.admin, timeout=30)
    documents = MongoClient(stack.infra.mongo_url)[stack.projections.env["OKR_PROJECTIONS_DB"]]

    # dev checks in with notes, once the check-in service knows the key result
    def accepted():
        body = {"key_result_id": key_result, "value": 60, "confidence": 7, "note": NOTE}
        body["effective_at"] = "2026-01-10T12:00:00Z"
        r = dev.post("/v1/check-ins", json={**body, "blockers": ["legal review"]})
        return r if r.status_code == 201 else None

    wait_for(accepted, seconds=60)
    history = ok(dev.get(f"/v1/key-results/{key_result}/check-ins"))["items"]
    assert history[0]["note"] == NOTE

    def projected_note():
        doc = documents["key_result_checkins"].find_one({"key_result_id": key_result})
        return doc if doc and doc["check_ins"] and doc["check_ins"][0]["note"] == NOTE else None

    wait_for(projected_note, seconds=60)
    wait_for(lambda: projections.get("/v1/people/dev").json().get("name") == "Dan Dev", 60)

    # the stored rows hold sealed strings only
    checkins_dsn = conninfo(stack, "CHECKINS", stack.checkins)
    goals_dsn = conninfo(stack, "GOALS", stack.goals)
    checkins_before = event_rows(checkins_dsn, "checkins_events")
    goals_before = event_rows(goals_dsn, "goals_events")
    assert not any(b"half way" in s or b"legal review" in s for s in checkins_before.values())
    assert not any(b"Dan Dev" in s or b"dan@acme.test" in s for s in goals_before.values())
    sealed_before = sealed_in(checkins_before) | sealed_in(goals_before)
    assert len(sealed_in(checkins_before)) >= 4

    # an admin erases dev
    erasure = ok(admin_goals.post("/v1/people/dev/erasure", json={"reason": "request 2026-17"}))
    assert erasure["fields"] == ["name", "email"] and not erasure["already_erased"]

    # the goal service reads dev as erased at once, the check-in service once it learned
    person = ok(admin_goals.get("/v1/directory/people/dev"))
    assert (person["name"], person["email"], person["erased"]) == (None, None, True)

    def notes_erased():
        items = ok(dev.get(f"/v1/key-results/{key_result}/check-ins"))["items"]
        return items if items[0]["note"]["progress"] == "" else None

    [read] = wait_for(notes_erased, seconds=60)
    assert read["note"] == {"progress": "", "plans": "", "problems": ""}
    assert read["blockers"] == [""]

    # the projections show the person and their check-in texts as erased
    def projected_erasure():
        doc = documents["key_result_checkins"].find_one({"key_result_id": key_result})
        return doc if doc["check_ins"][0].get("erased") else None

    erased_doc = wait_for(projected_erasure, seconds=60)
    assert erased_doc["check_ins"][0]["note"] == {"progress": "", "plans": "", "problems": ""}
    assert "half way" not in json.dumps(erased_doc, default=str)
    person = wait_for(
        lambda: projections.get("/v1/people/dev").json().get("erased")
        and (projections.get("/v1/people/dev").json()),
        60,
    )
    assert person["name"] is None and person["email"] is None

    # the stored rows are what they were: the same sealed strings, the same bytes
    checkins_after = event_rows(checkins_dsn, "checkins_events")
    goals_after = event_rows(goals_dsn, "goals_events")
    assert {k: checkins_after[k] for k in checkins_before} == checkins_before
    assert {k: goals_after[k] for k in goals_before} == goals_before
    assert sealed_before <= sealed_in(checkins_after) | sealed_in(goals_after)
    assert len(goals_after) == len(goals_before) + 1

    # the audit chains still verify: they cover the sealed strings, not the text
    auditor = tenant.headers("auditor-1", roles=("auditor",))
    stores = (
        (stack.goals_url, goals_dsn, "goals_events"),
        (stack.checkins_url, checkins_dsn, "checkins_events"),
    )
    for url, dsn, table in stores:
        last = max_position(dsn, table)

        def chained_all(url=url, last=last):
            report = ok(httpx.get(f"{url}/v1/audit/verify", headers=auditor))
            return report if report["chained_position"] >= last else None

        report = wait_for(chained_all, seconds=60)
        assert report["ok"] and report["events"] > 0, report["failures"]

    # Kafka keeps what was published before; republishing publishes the erased form
    topic = stack.topic(CHECKINS_TOPIC)
    before = asyncio.run(records_on(stack.infra.kafka_bootstrap, topic))
    for key, value in stack.checkins.env.items():
        monkeypatch.setenv(key, value)
    container = checkins_bootstrap(CheckinsSettings())
    try:
        asyncio.run(relay_all(container, name="erasure-republish"))
    finally:
        container.knowledge.close()
        container.store.personal.keys.close()
    records = asyncio.run(records_on(stack.infra.kafka_bootstrap, topic))
    check_ins = [
        json.loads(r.value) for r in records if b"CheckInRecorded" in dict(r.headers)["ce_type"]
    ]
    assert check_ins[0]["note"] == NOTE
    assert check_ins[-1]["note"] == {"progress": "", "plans": "", "problems": ""}
    assert len(records) > len(before)
