"""Rewards the demo organisation's finalised previous quarter through the incentive service.

The CEO (an admin) sets the quarterly bonus policy and, once the incentive service has learned
that every graded objective of the quarter has a finalised review, binds it to the quarter: the
service then grants each eligible person's award with its evidence. Safe to run again: a policy
already set as the demo sets it is not set again, a binding already made is not made again.
"""

from __future__ import annotations

import time

import httpx
from demo_grading import CEO, WAIT_SECONDS, client

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


def reward(incentives_url: str, cycle_id: str, name: str) -> None:
    """Sets the policy and binds it to the finalised quarter."""
    with client(incentives_url, CEO, "admin") as incentives:
        bind(incentives, cycle_id, name, set_policy(incentives))
