"""`okr projections rebuild` on the real stack: the demo organisation (goals, check-ins, a graded,
rewarded and recognised quarter) rebuilt from the four event stores into a fresh database gives
the live documents (write timestamps aside); the readers and the live consumer switch to it; a
rebuild killed half-way leaves the live model untouched and resumes, or restarts, cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import uuid

import httpx
import pytest
from pymongo import MongoClient

from tests.support.okr_cli import (
    cli_env,
    comparison,
    group_current,
    okr_json,
    relays_caught_up,
    snapshot,
    start_okr,
)
from tests.support.processes import wait_for
from tests.support.web import ROOT

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def loaded(stack, reviews, incentives):
    """The demo organisation loaded through every service; the live read model complete."""
    demo = subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "local" / "demo_org.py"),
            stack.goals_url,
            stack.checkins_url,
            reviews.url,
            incentives.url,
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert demo.returncode == 0, f"the demo organisation did not load:\n{demo.stderr[-4000:]}"
    infra = stack.infra
    env = cli_env(
        stack.goals.env,
        stack.checkins.env,
        reviews.process.env,
        incentives.process.env,
        OKR_MONGO_URL=infra.mongo_url,
        OKR_PROJECTIONS_DB=stack.projections.env["OKR_PROJECTIONS_DB"],
        OKR_PROJECTIONS_POINTER_POLL="0.2",
    )
    wait_for(lambda: relays_caught_up(env), seconds=120, interval=0.5)
    wait_for(
        lambda: group_current(infra.kafka_bootstrap, stack.namespace, stack.consumer_group),
        seconds=120,
        interval=0.5,
    )
    token, _kickoff, cycle_id = demo.stdout.split()[:3]
    return env, token, cycle_id


def active(env) -> str:
    with MongoClient(env["OKR_MONGO_URL"]) as client:
        doc = client[env["OKR_PROJECTIONS_DB"]]["control"].find_one({"_id": "active"})
    return doc["database"] if doc else env["OKR_PROJECTIONS_DB"]


def rebuild_state(env) -> dict | None:
    with MongoClient(env["OKR_MONGO_URL"]) as client:
        return client[env["OKR_PROJECTIONS_DB"]]["control"].find_one({"_id": "rebuild"})


def test_a_rebuild_equals_the_live_model_and_readers_and_the_consumer_switch_to_it(stack, loaded):
    env, token, cycle_id = loaded
    live = active(env)
    outcome = okr_json(env, "projections", "rebuild")
    rebuilt = outcome["database"]
    assert outcome["live"] == live and rebuilt != live and outcome["switched"]
    assert outcome["verification"]["equal"], outcome["verification"]
    assert outcome["unprojectable"] == []
    assert all(outcome["end_positions"][s] > 0 for s in ("goals", "checkins", "reviews"))
    assert outcome["end_positions"]["incentives"] > 0
    assert outcome["events_per_second"] > 0 and outcome["documents_per_second"] > 0
    collections = outcome["verification"]["collections"]
    for name in ("objective_progress", "key_result_checkins", "objective_reviews", "recognition"):
        assert collections[name]["rebuilt"] == collections[name]["live"] > 0, name
    # Checked again here, independently of the command's own report.
    mongo = env["OKR_MONGO_URL"]
    assert comparison(mongo, live, rebuilt)["equal"]
    assert not comparison(mongo, live, rebuilt, ignored=set())["equal"], "write times differ"

    # Readers follow the pointer: a mark put only in the rebuilt database is served.
    assert active(env) == rebuilt
    headers = {"Authorization": f"Bearer {token}"}
    person = "ceo@shopco.example"
    with MongoClient(mongo) as client:
        client[rebuilt]["people"].update_one(
            {"_id": f"shopco:{person}"}, {"$set": {"probe": "rebuilt"}}
        )

    def served_from_rebuilt():
        r = httpx.get(f"{stack.projections_url}/v1/people/{person}", headers=headers)
        return r.status_code == 200 and r.json().get("probe") == "rebuilt"

    wait_for(served_from_rebuilt, seconds=30)
    with MongoClient(mongo) as client:
        client[rebuilt]["people"].update_one({"_id": f"shopco:{person}"}, {"$unset": {"probe": 1}})

    # The live consumer writes into the rebuilt database from now on.
    body = {
        "title": f"After the switch {uuid.uuid4().hex[:6]}",
        "owner_type": "person",
        "owner_id": person,
        "level": "individual",
        "cycle_id": cycle_id,
        "key_results": [
            {"title": "KR", "kind": "percentage", "start": 0, "target": 100, "weight": 1.0}
        ],
    }
    created = httpx.post(f"{stack.goals_url}/v1/objectives", json=body, headers=headers)
    assert created.status_code == 201, created.text
    objective_id = created.json()["objective_id"]

    def in_rebuilt():
        with MongoClient(mongo) as client:
            return client[rebuilt]["objective_progress"].find_one({"_id": objective_id})

    assert wait_for(in_rebuilt, seconds=60)["title"] == body["title"]
    with MongoClient(mongo) as client:
        assert client[live]["objective_progress"].find_one({"_id": objective_id}) is None


def kill_half_way(env) -> None:
    """Starts a rebuild checkpointing every few events and kills it (SIGKILL) after its first
    checkpoint."""
    before = rebuild_state(env)
    process = start_okr(env, "projections", "rebuild", "--checkpoint-every", "10", "--json")

    def checkpointed():
        state = rebuild_state(env)
        return (
            state is not None
            and state != before
            and state.get("status") == "building"
            and sum((state.get("positions") or {}).values()) > 0
        )

    try:
        wait_for(checkpointed, seconds=120, interval=0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    assert process.returncode == -signal.SIGKILL, "the rebuild finished before it was killed"


def test_a_rebuild_killed_half_way_leaves_the_live_model_untouched_and_resumes_or_restarts(
    stack, loaded
):
    env = loaded[0]
    mongo = env["OKR_MONGO_URL"]
    wait_for(
        lambda: group_current(stack.infra.kafka_bootstrap, stack.namespace, stack.consumer_group),
        seconds=60,
    )
    live = active(env)
    before = snapshot(mongo, live)

    kill_half_way(env)
    interrupted = rebuild_state(env)["database"]
    assert active(env) == live and snapshot(mongo, live) == before

    resumed = okr_json(env, "projections", "rebuild", "--no-switch")
    assert resumed["resumed"] and resumed["database"] == interrupted
    assert resumed["verification"]["equal"], resumed["verification"]
    assert active(env) == live and snapshot(mongo, live) == before

    kill_half_way(env)
    second = rebuild_state(env)["database"]
    assert second != interrupted
    restarted = okr_json(env, "projections", "rebuild", "--restart")
    assert not restarted["resumed"] and restarted["database"] not in (second, live)
    assert restarted["verification"]["equal"] and restarted["switched"]
    with MongoClient(mongo) as client:
        assert second not in client.list_database_names()
    assert active(env) == restarted["database"]
