"""The whole goal story on the real stack: a four-level tree with cross-department alignment,
revised with reasons, rolled over, and read back as it is now and as it was earlier, every change
attributed."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
import pytest

from tests.support.org import CYCLE, NEXT_CYCLE
from tests.support.processes import wait_for


def kr(title, kind="increase_to", **fields):
    return {"title": title, "kind": kind, **fields}


@pytest.fixture(scope="module")
def goals(stack, tenant):
    """A client of the goal service speaking as `who`."""

    def client(who="ceo", admin=False):
        return httpx.Client(
            base_url=stack.goals_url, headers=tenant.headers(who, admin), timeout=30
        )

    return client


def ok(r: httpx.Response, status=(200, 201)) -> dict:
    assert r.status_code in ((status,) if isinstance(status, int) else status), r.text
    return r.json()


def test_tree_is_built_revised_rolled_over_and_read_as_of_earlier(stack, tenant, goals):
    admin, cto, vps, lead, dev = (
        goals("ceo", True),
        goals("cto"),
        goals("vps"),
        goals("lead"),
        goals("dev"),
    )
    # Company objective by the CEO, departments cascaded top-down by the admin.
    company = ok(
        admin.post(
            "/v1/objectives",
            json={
                "title": "Best user experience in the industry",
                "level": "company",
                "owner_type": "org_unit",
                "owner_id": "acme",
                "cycle_id": CYCLE,
                "key_results": [
                    kr("Satisfaction", "percentage", start=70, target=90, weight=0.6),
                    kr("Launch help centre", "milestone", weight=0.4),
                ],
            },
        )
    )
    sales = ok(
        admin.post(
            "/v1/objectives",
            json={
                "title": "Merchants love us",
                "level": "department",
                "owner_type": "org_unit",
                "owner_id": "sales",
                "cycle_id": CYCLE,
                "aligned_to": [{"parent_objective_id": company["objective_id"], "weight": 0.4}],
                "key_results": [
                    kr("Revenue", "currency", start=0, target=2e6, currency="EUR"),
                    kr("Churn", "decrease_to", start=8, target=4, unit="%"),
                ],
            },
        )
    )
    rnd = ok(
        admin.post(
            "/v1/objectives",
            json={
                "title": "Fast and never down",
                "level": "department",
                "owner_type": "org_unit",
                "owner_id": "rnd",
                "cycle_id": CYCLE,
                "aligned_to": [{"parent_objective_id": company["objective_id"], "weight": 0.6}],
                "key_results": [
                    kr("Availability", "range", baseline=99.9, lower=99.9, upper=100),
                    kr("p95 latency", "decrease_to", start=900, target=300, unit="ms"),
                ],
            },
        )
    )
    # The CTO cascades a team objective; the team lead proposes that it also supports Sales
    # (bottom-up).
    team = ok(
        cto.post(
            "/v1/objectives",
            json={
                "title": "One-click checkout",
                "level": "team",
                "owner_type": "org_unit",
                "owner_id": "web",
                "cycle_id": CYCLE,
                "aligned_to": [{"parent_objective_id": rnd["objective_id"], "weight": 1.0}],
                "key_results": [
                    kr("Checkout time", "decrease_to", start=90, target=30, unit="s"),
                    kr("Conversion", "percentage", start=2, target=4),
                ],
            },
        )
    )
    assert team["alignments"] == [{"parent_objective_id": rnd["objective_id"], "weight": 1.0}]
    mine = ok(
        dev.post(
            "/v1/objectives",
            json={
                "title": "Run usability tests",
                "level": "individual",
                "owner_type": "person",
                "owner_id": "dev",
                "cycle_id": CYCLE,
                "visibility": "private",
                "aligned_to": [{"parent_objective_id": team["objective_id"], "weight": 0.5}],
                "key_results": [
                    kr("Sessions", start=0, target=12),
                    kr("Findings fixed", "percentage", start=0, target=80),
                ],
            },
        )
    )
    before_revisions = datetime.now(UTC)
    time.sleep(0.05)

    # The cycle starts: from now on every change needs a reason.
    ok(admin.post(f"/v1/cycles/{CYCLE}/state", json={"state": "active", "reason": "Q1 kick-off"}))
    proposal = ok(
        lead.post(
            f"/v1/objectives/{team['objective_id']}/alignments",
            json={
                "expected_version": 1,
                "parent_objective_id": sales["objective_id"],
                "weight": 0.5,
                "reason": "checkout speed sells",
                "note": "faster checkout lifts merchant revenue",
            },
        ),
        202,
    )
    proposal_id = proposal["pending_proposals"][0]["proposal_id"]
    accepted = ok(
        vps.post(
            f"/v1/objectives/{team['objective_id']}/proposals/{proposal_id}/decision",
            json={
                "expected_version": 2,
                "decision": "accept",
                "reason": "agreed in the Q1 alignment meeting",
            },
        )
    )
    assert {a["parent_objective_id"] for a in accepted["alignments"]} == {
        rnd["objective_id"],
        sales["objective_id"],
    }
    checkout_kr = team["key_results"][0]["key_result_id"]
    no_reason = cto.patch(
        f"/v1/objectives/{team['objective_id']}/key-results/{checkout_kr}",
        json={"expected_version": 3, "target": 20},
    )
    assert no_reason.status_code == 422
    revised = ok(
        cto.patch(
            f"/v1/objectives/{team['objective_id']}/key-results/{checkout_kr}",
            json={"expected_version": 3, "target": 20, "reason": "competitor is at 25 s"},
        )
    )
    assert revised["key_results"][0]["target"] == 20

    # Now: four levels, the team under both departments, the private objective visible to its
    # manager chain.
    tree_now = ok(admin.get(f"/v1/cycles/{CYCLE}/tree"))
    assert tree_now["objective_count"] == 5
    (root,) = tree_now["roots"]
    departments = {d["title"]: d for d in root["children"]}
    assert set(departments) == {"Merchants love us", "Fast and never down"}
    for department in departments.values():
        (team_node,) = department["children"]
        assert team_node["title"] == "One-click checkout"
        assert team_node["key_results"][0]["target"] == 20
    assert (
        departments["Fast and never down"]["children"][0]["children"][0]["title"]
        == "Run usability tests"
    )
    assert (
        ok(vps.get(f"/v1/cycles/{CYCLE}/tree"))["objective_count"] == 4
    )  # the private one is hidden

    # Then: before the proposal and the revision, from events alone.
    tree_then = ok(
        admin.get(f"/v1/cycles/{CYCLE}/tree", params={"as_of": before_revisions.isoformat()})
    )
    assert tree_then["cycle_state"] == "planning"
    then_departments = {d["title"]: d for d in tree_then["roots"][0]["children"]}
    assert then_departments["Merchants love us"]["children"] == []
    assert then_departments["Fast and never down"]["children"][0]["key_results"][0]["target"] == 30
    team_then = ok(
        admin.get(
            f"/v1/objectives/{team['objective_id']}", params={"as_of": before_revisions.isoformat()}
        )
    )
    assert team_then["version"] == 1

    # Every change attributed: who, when, why.
    history = ok(admin.get(f"/v1/objectives/{team['objective_id']}/history"))
    assert [(h["event"], h["actor_id"], h["reason"]) for h in history] == [
        ("Created", "cto", None),
        ("AlignmentProposed", "lead", None),
        ("Aligned", "vps", "agreed in the Q1 alignment meeting"),
        ("KeyResultRevised", "cto", "competitor is at 25 s"),
    ]
    assert history[3]["changes"]["previous"] == {"target": 30.0}

    # Roll the unfinished objectives into Q2: copies keep their lineage and their links.
    rolled = ok(admin.post(f"/v1/cycles/{CYCLE}/rollover", json={"to_cycle_id": NEXT_CYCLE}))
    assert len(rolled["copies"]) == 5
    team_copy = ok(admin.get(f"/v1/objectives/{rolled['copies'][team['objective_id']]}"))
    assert team_copy["cycle_id"] == NEXT_CYCLE
    assert team_copy["rolled_over_from"]["objective_id"] == team["objective_id"]
    assert {a["parent_objective_id"] for a in team_copy["alignments"]} == {
        rolled["copies"][rnd["objective_id"]],
        rolled["copies"][sales["objective_id"]],
    }
    assert ok(admin.get(f"/v1/cycles/{NEXT_CYCLE}/tree"))["objective_count"] == 5

    # The read side follows through Kafka: rollup tree, per-org-unit and per-person lists.
    projections = httpx.Client(base_url=stack.projections_url, headers=tenant.admin, timeout=30)

    def projected_tree():
        r = projections.get(f"/v1/cycles/{CYCLE}/tree")
        if r.status_code != 200:
            return None
        body = r.json()
        nodes = [n for root in body.get("roots", []) for n in _walk(root)]
        team_nodes = [n for n in nodes if n["objective_id"] == team["objective_id"]]
        return body if len(team_nodes) == 2 else None

    projected = wait_for(projected_tree, seconds=60)
    assert [r["objective_id"] for r in projected["roots"]] == [company["objective_id"]]
    rnd_list = ok(projections.get("/v1/org-units/rnd/objectives", params={"cycle_id": CYCLE}))
    assert {i["objective_id"] for i in rnd_list["items"]} >= {
        rnd["objective_id"],
        team["objective_id"],
    }
    dev_list = ok(projections.get("/v1/people/dev/objectives", params={"cycle_id": CYCLE}))
    assert [i["objective_id"] for i in dev_list["items"]] == [mine["objective_id"]]
    source = wait_for(lambda: _rolled(projections, team["objective_id"]), seconds=60)
    assert source["rolled_over_to"]["cycle_id"] == NEXT_CYCLE


def _walk(node):
    yield node
    for child in node.get("children", []):
        yield from _walk(child)


def _rolled(projections, objective_id):
    r = projections.get(f"/v1/objectives/{objective_id}/progress")
    return r.json() if r.status_code == 200 and r.json().get("rolled_over_to") else None
