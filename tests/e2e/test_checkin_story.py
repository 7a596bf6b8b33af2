"""Check-ins on the real stack.

The check-in service learns goals from Kafka, takes check-ins, back-dated ones and corrections,
answers "as known at" and "as effective at", and the projections move progress.
"""

from __future__ import annotations

import httpx
import pytest

from tests.support.org import CYCLE
from tests.support.processes import wait_for


@pytest.fixture(scope="module")
def clients(stack, tenant):
    def make(url, who="ceo", admin=False):
        return httpx.Client(base_url=url, headers=tenant.headers(who, admin), timeout=30)

    return make


def ok(r: httpx.Response, status=(200, 201)) -> dict:
    assert r.status_code in ((status,) if isinstance(status, int) else status), r.text
    return r.json()


def check_in(value, confidence, day, **extra):
    return {
        "value": value,
        "confidence": confidence,
        "effective_at": f"2026-01-{day:02d}T12:00:00Z",
        "note": {"progress": "moved", "plans": "next", "problems": ""},
        **extra,
    }


def test_check_ins_move_progress_and_corrections_keep_what_was_known(stack, tenant, clients):
    admin = clients(stack.goals_url, admin=True)
    company = ok(
        admin.post(
            "/v1/objectives",
            json={
                "title": "Delight customers",
                "level": "company",
                "owner_type": "org_unit",
                "owner_id": "acme",
                "cycle_id": CYCLE,
                "key_results": [{"title": "NPS", "kind": "increase_to", "start": 20, "target": 40}],
            },
        )
    )
    team = ok(
        admin.post(
            "/v1/objectives",
            json={
                "title": "Fast checkout",
                "level": "team",
                "owner_type": "org_unit",
                "owner_id": "web",
                "cycle_id": CYCLE,
                "aligned_to": [{"parent_objective_id": company["objective_id"], "weight": 1.0}],
                "key_results": [
                    {
                        "title": "Checkout time",
                        "kind": "decrease_to",
                        "start": 90,
                        "target": 30,
                        "unit": "s",
                        "owner_id": "dev",
                        "weight": 0.5,
                    },
                    {"title": "New checkout live", "kind": "milestone", "weight": 0.5},
                ],
            },
        )
    )
    ok(admin.post(f"/v1/cycles/{CYCLE}/state", json={"state": "active", "reason": "go"}))
    speed, launch = (kr["key_result_id"] for kr in team["key_results"])
    dev, rep = clients(stack.checkins_url, "dev"), clients(stack.checkins_url, "rep")

    # The check-in service learns the key result and the active cycle from okr.goals.v1.
    def accepted():
        r = dev.post("/v1/check-ins", json={"key_result_id": speed, **check_in(70, 7, 10)})
        return r.json() if r.status_code == 201 else None

    first = wait_for(accepted, seconds=60)
    assert first["confidence_band"] == "on_track"
    refused = rep.post("/v1/check-ins", json={"key_result_id": speed, **check_in(10, 9, 11)})
    assert refused.status_code == 403
    known_before_correction = first["recorded_at"]
    corrected = ok(
        dev.post(
            "/v1/corrections",
            json={
                "key_result_id": speed,
                "corrects": first["check_in_id"],
                "reason": "timer included page load",
                **check_in(60, 5, 10),
            },
        )
    )
    ok(
        dev.post("/v1/check-ins", json={"key_result_id": speed, **check_in(85, 6, 5)})
    )  # back-dated, older
    ok(
        clients(stack.checkins_url, "lead").post(
            "/v1/check-ins", json={"key_result_id": launch, **check_in(True, 9, 12)}
        )
    )

    # "As known at" before the correction vs now, for the same effective time.
    params = {"effective_at": "2026-01-12T00:00:00Z"}
    then = ok(
        dev.get(
            f"/v1/key-results/{speed}/value", params={**params, "known_at": known_before_correction}
        )
    )
    now = ok(dev.get(f"/v1/key-results/{speed}/value", params=params))
    assert (then["value"], now["value"]) == (70, 60)
    assert now["check_in"]["check_in_id"] == corrected["check_in_id"]
    history = ok(dev.get(f"/v1/key-results/{speed}/check-ins"))["items"]
    assert [c["value"] for c in history] == [70, 60, 85]
    assert history[0]["replaced_by"] == corrected["check_in_id"]

    # The read side follows: key-result value and progress, objective progress, parent rollup.
    projections = httpx.Client(base_url=stack.projections_url, headers=tenant.admin, timeout=30)

    def team_doc():
        doc = projections.get(f"/v1/objectives/{team['objective_id']}/progress").json()
        krs = {kr["key_result_id"]: kr for kr in doc.get("key_results", [])}
        if krs.get(speed, {}).get("current") == 60 and krs.get(launch, {}).get("current") is True:
            return doc
        return None

    doc = wait_for(team_doc, seconds=60)
    speed_kr = next(kr for kr in doc["key_results"] if kr["key_result_id"] == speed)
    assert speed_kr["progress"] == pytest.approx(0.5) and speed_kr["confidence"] == 5
    assert doc["progress"] == pytest.approx(0.75)

    def company_rollup():
        r = projections.get(f"/v1/objectives/{company['objective_id']}/progress").json()
        return r if r.get("rollup_progress") == pytest.approx((0.0 + 0.75) / 2) else None

    assert wait_for(company_rollup, seconds=30)

    # Feedback and a one-to-one conversation travel with the goal's visibility rules.
    ok(
        clients(stack.checkins_url, "rep").post(
            f"/v1/objectives/{team['objective_id']}/feedback",
            json={"kind": "praise", "text": "Checkout feels instant"},
        )
    )
    talk = ok(dev.post("/v1/conversations", json={"person_id": "dev", "topic": "January"}))
    ok(
        clients(stack.checkins_url, "lead").post(
            f"/v1/conversations/{talk['conversation_id']}/messages",
            json={"text": "Great correction, thanks"},
        )
    )
    assert rep.get(f"/v1/conversations/{talk['conversation_id']}").status_code == 404
