"""A cycle graded on the real stack, every service a process.

The goal service plans a committed and an aspirational objective, the check-in service takes
their check-ins, the cycle moves from active to grading; the review service learns all of it
from Kafka and opens a review per objective with suggestions from the progress at the cycle's
end, the owner self-scores, the manager overrides, a leader calibrates with a reason, the owner
writes a retrospective, the admin finalises, `ReviewFinalised` is on the stack's `okr.reviews.v1`
and the scores in the projections' tree; re-scoring under stricter rules answers other bands while
the finalised ones stay, and the scores as they stood before finalisation are replayed.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from okr_shared.cloudevents import from_kafka
from okr_shared.messaging import REVIEWS_TOPIC
from tests.support.kafka_records import records_on
from tests.support.org import CYCLE
from tests.support.processes import wait_for


def ok(r: httpx.Response, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json()


def check_in(key_result_id: str, value: float, effective_at: str) -> dict:
    return {
        "key_result_id": key_result_id,
        "value": value,
        "confidence": 7,
        "effective_at": effective_at,
        "note": {"progress": "moved", "plans": "next", "problems": ""},
    }


def pointers(r: httpx.Response) -> list[str]:
    return [e["pointer"] for e in r.json().get("errors", [])]


def test_a_cycle_is_graded_scored_and_finalised(stack, tenant, reviews):
    def client(url: str, who: str = "ceo", admin: bool = False) -> httpx.Client:
        return httpx.Client(base_url=url, headers=tenant.headers(who, admin), timeout=30)

    goals = client(stack.goals_url, admin=True)

    def objective(title: str, commitment: str, kr_title: str, target: float) -> tuple[str, str]:
        body = {
            "title": title,
            "level": "individual",
            "owner_type": "person",
            "owner_id": "dev",
            "cycle_id": CYCLE,
            "commitment": commitment,
            "key_results": [
                {"title": kr_title, "kind": "increase_to", "start": 0, "target": target}
            ],
        }
        created = ok(goals.post("/v1/objectives", json=body), 201)
        return created["objective_id"], created["key_results"][0]["key_result_id"]

    committed, conversion = objective("Ship the checkout", "committed", "Conversion", 100)
    aspirational, markets = objective("Open new markets", "aspirational", "Markets", 10)
    ok(goals.post(f"/v1/cycles/{CYCLE}/state", json={"state": "active", "reason": "go"}))

    # Check-ins through the check-in service, once it has learned the key results.
    dev_checkins = client(stack.checkins_url, "dev")

    def accepted(body: dict) -> dict | None:
        r = dev_checkins.post("/v1/check-ins", json=body)
        return r.json() if r.status_code == 201 else None

    wait_for(lambda: accepted(check_in(conversion, 40, "2026-03-10T09:00:00Z")), seconds=30)
    ok(
        dev_checkins.post("/v1/check-ins", json=check_in(conversion, 70, "2026-03-30T09:00:00Z")),
        201,
    )
    wait_for(lambda: accepted(check_in(markets, 6, "2026-03-20T09:00:00Z")), seconds=30)

    ok(goals.post(f"/v1/cycles/{CYCLE}/state", json={"state": "grading", "reason": "over"}))

    # The review service opens both reviews; the suggestions follow the progress at 31 March.
    dev = client(reviews.url, "dev")
    expected = {conversion: 0.7, markets: 0.6}

    def opened() -> dict[str, dict] | None:
        r = dev.get("/v1/reviews", params={"cycle_id": CYCLE})
        if r.status_code != 200:
            return None
        found = {r["objective_id"]: r for r in r.json()["items"]}
        krs = {kr["key_result_id"]: kr for rv in found.values() for kr in rv["key_results"]}
        suggested = {k: krs[k]["suggested_score"] for k in expected if k in krs}
        return found if suggested == expected else None

    found = wait_for(opened, seconds=30, interval=0.2)
    assert {r["commitment"] for r in found.values()} == {"committed", "aspirational"}
    for review in found.values():
        (kr,) = review["key_results"]
        assert kr["suggested_score"] == pytest.approx(kr["progress"])
        assert review["band"]["label"]["en"] and review["band"]["label"]["zh"]
    first, second = found[committed], found[aspirational]
    assert first["key_results"][0]["value"] == 70

    # Bad input answers problem details naming the field.
    own = f"/v1/reviews/{first['review_id']}/key-results/{conversion}"
    version = first["version"]
    off_step = dev.post(f"{own}/self-score", json={"score": 0.75, "expected_version": version})
    assert off_step.status_code == 422 and "#/score" in pointers(off_step), off_step.text
    silent = dev.post(f"{own}/self-score", json={"score": 1.0, "expected_version": version})
    assert silent.status_code == 422 and "#/remark" in pointers(silent), silent.text

    # The owner self-scores with a remark; the manager overrides the other key result.
    scored = ok(
        dev.post(
            f"{own}/self-score",
            json={"score": 1.0, "remark": "the redesign landed early", "expected_version": version},
        )
    )
    assert scored["key_results"][0]["score"] == 1.0
    assert scored["key_results"][0]["scores"][0]["remark"] == "the redesign landed early"
    lead = client(reviews.url, "lead")
    other = f"/v1/reviews/{second['review_id']}/key-results/{markets}"
    body = {"score": 0.8, "remark": "two launches signed", "expected_version": second["version"]}
    overridden = ok(lead.post(f"{other}/manager-score", json=body))
    assert overridden["key_results"][0]["scores"][-1]["kind"] == "manager"
    assert overridden["score"] == 0.8

    # A leader of R&D (dev's team sits under it) calibrates the aspirational key result.
    cto = httpx.Client(
        base_url=reviews.url, headers=tenant.headers("cto", roles=("leader",)), timeout=30
    )
    body = {"org_unit_id": "rnd", "reason": "R&D calibration"}
    session = ok(cto.post(f"/v1/cycles/{CYCLE}/calibration-sessions", json=body), 201)
    adjustments = f"/v1/calibration-sessions/{session['session_id']}/adjustments"
    adjustment = {
        "review_id": second["review_id"],
        "key_result_id": markets,
        "score": 0.7,
        "reason": "one of the two launches slipped into next quarter",
        "expected_version": overridden["version"],
    }
    silent = cto.post(adjustments, json={**adjustment, "reason": " "})
    assert silent.status_code == 422 and "#/reason" in pointers(silent), silent.text
    calibrated = ok(cto.post(adjustments, json=adjustment))["review"]
    assert calibrated["key_results"][0]["scores"][-1]["kind"] == "calibration"
    assert calibrated["score"] == 0.7
    closing = {"reason": "agreed"}
    ok(cto.post(f"/v1/calibration-sessions/{session['session_id']}/close", json=closing))
    before_finalising = ok(dev.get(f"/v1/reviews/{second['review_id']}"))["key_results"][0]
    as_of = before_finalising["scores"][-1]["at"]

    # The owner writes the objective's retrospective for the team; outsiders do not see it.
    retrospective = {
        "cycle_id": CYCLE,
        "objective_id": aspirational,
        "content": {
            "worked": ["two launches signed"],
            "did_not_work": ["the third market's licence"],
            "lessons": ["start licensing a quarter earlier"],
        },
        "sharing": "team",
    }
    written = ok(dev.post("/v1/retrospectives", json=retrospective), 201)
    outsider = client(reviews.url, "rep")
    hidden = outsider.get(f"/v1/retrospectives/{written['retrospective_id']}")
    assert hidden.status_code == 404, hidden.text

    # The admin finalises the cycle's reviews.
    admin = client(reviews.url, admin=True)
    final = ok(admin.post(f"/v1/cycles/{CYCLE}/review/finalise", json={"reason": "calibrated"}))
    assert all(r["finalised"] for r in final["items"])
    now = next(r for r in final["items"] if r["review_id"] == first["review_id"])["version"]
    late = dev.post(f"{own}/self-score", json={"score": 0.9, "expected_version": now})
    assert late.status_code == 409 and "#/correction" in pointers(late), late.text

    # ReviewFinalised for both reviews on the stack's okr.reviews.v1.
    topic = stack.topic(REVIEWS_TOPIC)
    ids = {first["review_id"], second["review_id"]}

    def finalised() -> dict[str, dict] | None:
        records = asyncio.run(records_on(stack.infra.kafka_bootstrap, topic))
        events = [from_kafka({k: v.decode() for k, v in r.headers}, r.value) for r in records]
        done = {e.subject: e.data for e in events if e.schema_name == "ReviewFinalised"}
        return done if ids <= done.keys() else None

    done = wait_for(finalised, seconds=20, interval=0.5)
    assert done[first["review_id"]]["score"] == 1.0
    assert done[second["review_id"]]["score"] == 0.7
    assert done[second["review_id"]]["key_results"][0]["score_kind"] == "calibration"

    # The finalised scores reach the projections' tree.
    projections = client(stack.projections_url)

    def in_the_tree() -> dict[str, dict] | None:
        r = projections.get(f"/v1/cycles/{CYCLE}/tree")
        if r.status_code != 200:
            return None
        nodes = {n["objective_id"]: n for n in walk(r.json()["roots"])}
        scores = {k: nodes[k].get("score") for k in (committed, aspirational) if k in nodes}
        return nodes if scores == {committed: 1.0, aspirational: 0.7} else None

    nodes = wait_for(in_the_tree, seconds=30, interval=0.5)
    assert nodes[aspirational]["band"]["color"] == "green"

    # Re-scored under stricter rules, 0.7 on the aspirational objective would be yellow; the
    # finalised result stays green under the rules it was bound to.
    stricter = {
        "step": 0.1,
        "remark_threshold": 0.2,
        "bands": {
            "aspirational": [
                band(0.0, 0.3, "red", "Missed", "未达成"),
                band(0.4, 0.7, "yellow", "Progress made", "有进展"),
                band(0.8, 1.0, "green", "On target", "达成"),
            ],
            "committed": [
                band(0.0, 0.9, "red", "Miss", "未完成承诺"),
                band(1.0, 1.0, "green", "Delivered", "完成承诺"),
            ],
        },
        "reason": "stretch goals count from 0.8",
    }
    version = ok(admin.put("/v1/scoring-rules", json=stricter))["version"]
    rescored = ok(admin.post(f"/v1/cycles/{CYCLE}/rescore", json={"rule_version": version}))
    compared = {r["objective_id"]: r for r in rescored["reviews"]}
    assert compared[aspirational]["bound"]["band"]["color"] == "green"
    assert compared[aspirational]["other"]["band"]["color"] == "yellow"
    assert compared[committed]["band_changed"] is False
    assert [c["objective_id"] for c in rescored["changed"]] == [aspirational]
    kept = ok(dev.get(f"/v1/reviews/{second['review_id']}"))
    assert kept["band"]["color"] == "green" and kept["rule_version"] == first["rule_version"]

    # History: before finalisation the reviews stood open, with the calibrated score; the
    # session names who adjusted what and why.
    then = ok(admin.get(f"/v1/cycles/{CYCLE}/scores", params={"as_of": as_of}))
    standing = {r["review_id"]: r for r in then["items"]}
    assert standing[second["review_id"]]["finalised"] is False
    assert standing[second["review_id"]]["score"] == 0.7
    trail = ok(cto.get(f"/v1/calibration-sessions/{session['session_id']}"))
    (entry,) = trail["adjustments"]
    assert (entry["by"], entry["reason"], entry["previous_score"]) == (
        "cto",
        adjustment["reason"],
        0.8,
    )


def band(low: float, high: float, color: str, en: str, zh: str) -> dict:
    return {"from": low, "to": high, "color": color, "label": {"en": en, "zh": zh}}


def walk(nodes: list[dict]):
    """Every node of a tree page, children included."""
    for node in nodes:
        yield node
        yield from walk(node.get("children", []))
