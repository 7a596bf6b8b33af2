"""Rewards the demo organisation's finalised previous quarter through the incentive service.

The CEO (an admin) sets the quarterly bonus policy and, once the incentive service has learned
that every graded objective of the quarter has a finalised review, binds it to the quarter: the
service then grants each eligible person's award with its evidence. Ana thanks Sam with kudos on
the saved-cards key result, and the CTO nominates the payments team as team of the quarter, which
the CEO approves. Safe to run again: a policy already set as the demo sets it is not set again, a
binding already made is not made again, kudos and nominations carry ids of their own, so a second
run repeats none. (Streak badges need check-ins recorded on time, week after week; the demo's are
back-dated, so it earns none.)
"""

from __future__ import annotations

import time
import uuid

import httpx
from demo_grading import ANA, CEO, CTO, WAIT_SECONDS, client

POLICY_ID = "quarterly-bonus"
POLICY = {
    "bands": [
        {"from": 0.0, "to": 0.4, "points": 0, "multiplier": 1.0},
        {"from": 0.4, "to": 0.7, "points": 40, "multiplier": 1.0},
        {"from": 0.7, "to": 1.0, "points": 100, "multiplier": 1.2},
    ],
    "level_factors": {"individual": 1.0, "team": 0.5},
    "commitment_factors": {"aspirational": 1.0, "committed": 1.2},
    "eligibility": {"min_days_in_cycle": 0},
    "caps": {"per_person": 150, "per_cycle": 1000},
    "budgets": {"payments": 300},
    "reason": "ShopCo's quarterly bonus: points per band of the person's score",
}


def _check(r: httpx.Response, what: str) -> dict:
    if r.status_code not in (200, 201):
        raise SystemExit(f"could not {what}: {r.status_code} {r.text}")
    return r.json()


def set_policy(incentives: httpx.Client) -> int:
    """The policy's version, set now unless its current version already says the same."""
    current = incentives.get(f"/v1/policies/{POLICY_ID}")
    if current.status_code == 200:
        found = current.json()
        if [b["points"] for b in found["bands"]] == [b["points"] for b in POLICY["bands"]]:
            return found["version"]
    return _check(incentives.put(f"/v1/policies/{POLICY_ID}", json=POLICY), "set a policy")[
        "version"
    ]


def bind(incentives: httpx.Client, cycle_id: str, name: str, version: int) -> None:
    """Binds the policy once the service knows the quarter's review is finalised (409 or 503
    until then)."""
    if incentives.get(f"/v1/cycles/{cycle_id}/policy").status_code == 200:
        return
    body = {
        "policy_id": POLICY_ID,
        "policy_version": version,
        "reason": f"{name} bonus under the quarterly policy",
    }
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        r = incentives.post(f"/v1/cycles/{cycle_id}/policy", json=body)
        if r.status_code in (200, 201):
            return
        if r.status_code not in (409, 503) or time.monotonic() > deadline:
            raise SystemExit(f"could not bind the policy: {r.status_code} {r.text}")
        time.sleep(0.5)


def _demo_id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "demo:" + ":".join(parts)))


def _once(r: httpx.Response, what: str) -> None:
    """A repeat of something done before answers 409; anything else must succeed."""
    if r.status_code != 409:
        _check(r, what)


def recognise(incentives_url: str, cycle_id: str, objectives: dict[str, dict]) -> None:
    """Ana's kudos for Sam, and the payments team's honour nominated and approved."""
    payments = objectives["team-payments"]
    kudos = {
        "kudos_id": _demo_id(cycle_id, "kudos", "ana-sam"),
        "objective_id": payments["objective_id"],
        "key_result_id": payments["key_results"][0]["key_result_id"],
        "message": "Thank you for landing saved cards before the peak season",
    }
    with client(incentives_url, ANA) as ana:
        _once(ana.post("/v1/kudos", json=kudos), "give kudos")
    nomination = {
        "nomination_id": _demo_id(cycle_id, "nomination", "payments"),
        "cycle_id": cycle_id,
        "nominee_type": "org_unit",
        "nominee_id": "payments",
        "honour": "Team of the quarter",
        "citation": "Saved cards shipped and payment failures down, in the busiest quarter",
    }
    with client(incentives_url, CTO, "leader") as cto:
        _once(cto.post("/v1/nominations", json=nomination), "nominate")
    path = f"/v1/nominations/{nomination['nomination_id']}/approve"
    with client(incentives_url, CEO, "admin", "leader") as ceo:
        _once(ceo.post(path, json={"reason": "Agreed by the leadership team"}), "approve")


def reward(incentives_url: str, cycle_id: str, name: str, objectives: dict[str, dict]) -> None:
    """Sets the policy, binds it to the finalised quarter, and recognises the quarter's work."""
    with client(incentives_url, CEO, "admin") as incentives:
        bind(incentives, cycle_id, name, set_policy(incentives))
    recognise(incentives_url, cycle_id, objectives)
