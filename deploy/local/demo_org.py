"""Loads the demo organisation (an e-commerce company) through the goal service's HTTP API.

The directory import, the cycles and the idempotency keys make it safe to load again: a
second run creates nothing new. With a check-in service URL, it also feeds a few weeks of
check-ins (and one correction) through the integration feed.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta

import httpx

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings

TENANT = "shopco"
CEO = "ceo@shopco.example"
CYCLE = "2026-Q4"
ORG_UNITS = [
    {"org_unit_id": "shopco", "name": "ShopCo", "kind": "company"},
    {"org_unit_id": "product", "name": "Product", "kind": "department", "parent_id": "shopco"},
    {"org_unit_id": "sales", "name": "Sales", "kind": "department", "parent_id": "shopco"},
    {"org_unit_id": "rnd", "name": "R&D", "kind": "department", "parent_id": "shopco"},
    {"org_unit_id": "payments", "name": "Payments team", "kind": "team", "parent_id": "rnd"},
]
PEOPLE = [
    {
        "person_id": CEO,
        "name": "Chen Wei",
        "email": CEO,
        "org_unit_id": "shopco",
        "locale": "zh-CN",
    },
    {
        "person_id": "head.product@shopco.example",
        "name": "Priya Nair",
        "email": "head.product@shopco.example",
        "org_unit_id": "product",
        "manager_id": CEO,
    },
    {
        "person_id": "head.sales@shopco.example",
        "name": "Marco Rossi",
        "email": "head.sales@shopco.example",
        "org_unit_id": "sales",
        "manager_id": CEO,
        "locale": "it-IT",
    },
    {
        "person_id": "cto@shopco.example",
        "name": "Lena Vogel",
        "email": "cto@shopco.example",
        "org_unit_id": "rnd",
        "manager_id": CEO,
        "locale": "de-DE",
    },
    {
        "person_id": "lead.payments@shopco.example",
        "name": "Sam Okafor",
        "email": "lead.payments@shopco.example",
        "org_unit_id": "payments",
        "manager_id": "cto@shopco.example",
    },
    {
        "person_id": "ana@shopco.example",
        "name": "Ana Lima",
        "email": "ana@shopco.example",
        "org_unit_id": "payments",
        "manager_id": "lead.payments@shopco.example",
        "locale": "pt-BR",
    },
]
CYCLES = [
    {
        "cycle_id": CYCLE,
        "name": "Q4 2026",
        "cadence": "quarterly",
        "starts_on": "2026-10-01",
        "ends_on": "2026-12-31",
    },
    {
        "cycle_id": "2027-Q1",
        "name": "Q1 2027",
        "cadence": "quarterly",
        "starts_on": "2027-01-01",
        "ends_on": "2027-03-31",
    },
]


def kr(title, kind, weight, **fields):
    return {"title": title, "kind": kind, "weight": weight, **fields}


# key, level, owner type, owner, title, key results, parents (keys and contribution weights)
OBJECTIVES = [
    (
        "demo-company",
        "company",
        "org_unit",
        "shopco",
        "Become the platform with the best user experience in the industry",
        [
            kr("Raise user satisfaction", "percentage", 0.5, start=78, target=90),
            kr(
                "Grow new-user registrations",
                "increase_to",
                0.3,
                start=100_000,
                target=130_000,
                unit="users",
            ),
            kr("Cut checkout abandonment", "decrease_to", 0.2, start=32, target=20, unit="%"),
        ],
        [],
    ),
    (
        "demo-product",
        "department",
        "org_unit",
        "product",
        "Make checkout effortless on every device",
        [
            kr(
                "Checkout completion time (median)",
                "decrease_to",
                0.6,
                start=95,
                target=45,
                unit="s",
            ),
            kr("Redesigned checkout live", "milestone", 0.4),
        ],
        [("demo-company", 0.6)],
    ),
    (
        "demo-sales",
        "department",
        "org_unit",
        "sales",
        "Bring merchants whose customers love us",
        [
            kr(
                "Merchants onboarded with NPS above 50",
                "increase_to",
                0.7,
                start=40,
                target=120,
                unit="merchants",
            ),
            kr(
                "Revenue from new merchants",
                "currency",
                0.3,
                start=0,
                target=2_500_000,
                currency="EUR",
            ),
        ],
        [("demo-company", 0.4)],
    ),
    (
        "demo-rnd",
        "department",
        "org_unit",
        "rnd",
        "A platform that is fast and never down",
        [
            kr("Availability", "range", 0.5, baseline=99.9, lower=99.9, upper=100, unit="%"),
            kr("p95 page load", "decrease_to", 0.5, start=2.4, target=1.2, unit="s"),
        ],
        [("demo-company", 0.3)],
    ),
    (
        "demo-team-payments",
        "team",
        "org_unit",
        "payments",
        "One-click payments for returning users",
        [
            kr(
                "Share of returning users paying in one click",
                "percentage",
                0.7,
                start=5,
                target=60,
                owner_id="lead.payments@shopco.example",
            ),
            kr(
                "Payment failures",
                "decrease_to",
                0.3,
                start=3.5,
                target=1.0,
                unit="%",
                owner_id="ana@shopco.example",
            ),
        ],
        [("demo-rnd", 0.5), ("demo-product", 0.5), ("demo-sales", 0.2)],
    ),
    (
        "demo-person-ana",
        "individual",
        "person",
        "ana@shopco.example",
        "Run weekly usability tests of checkout",
        [kr("Usability sessions held", "increase_to", 1.0, start=0, target=12, unit="sessions")],
        [("demo-team-payments", 1.0)],
    ),
]


def _post(client: httpx.Client, path: str, body: dict, **headers: str) -> httpx.Response:
    for _ in range(30):
        try:
            return client.post(path, json=body, headers=headers)
        except httpx.TransportError:
            time.sleep(1)
    raise SystemExit("goal service did not answer")


def _check(r: httpx.Response, what: str) -> dict:
    if r.status_code not in (200, 201):
        raise SystemExit(f"could not load {what}: {r.status_code} {r.text}")
    return r.json()


# objective key, key-result index, idempotency key, effective date, value, confidence, progress note
CHECK_INS = [
    (
        "demo-team-payments",
        0,
        "demo-ci-1",
        "2026-10-15",
        12,
        7,
        "Saved cards live for 20% of users",
    ),
    (
        "demo-team-payments",
        0,
        "demo-ci-2",
        "2026-11-12",
        28,
        6,
        "Rollout to Android delayed a week",
    ),
    ("demo-team-payments", 0, "demo-ci-3", "2026-11-25", 35, 7, "Android rollout done"),
    ("demo-team-payments", 1, "demo-ci-4", "2026-11-20", 2.1, 8, "Retries on the card gateway"),
    ("demo-company", 0, "demo-ci-5", "2026-11-01", 81, 8, "Survey wave 2"),
    ("demo-rnd", 0, "demo-ci-6", "2026-11-20", 99.95, 9, "No incident this month"),
    ("demo-product", 1, "demo-ci-7", "2026-11-24", False, 5, "Design review pending"),
]


def load_check_ins(checkins_url: str, token: str, objectives: dict[str, dict]) -> None:
    """Feeds the demo check-ins (idempotent) once the check-in service knows the key results."""
    items = [
        {
            "idempotency_key": key,
            "key_result_id": objectives[o]["key_results"][i]["key_result_id"],
            "value": value,
            "confidence": confidence,
            "note": {"progress": note, "plans": "", "problems": ""},
            "effective_at": f"{day}T12:00:00Z",
        }
        for o, i, key, day, value, confidence, note in CHECK_INS
    ]
    with httpx.Client(
        base_url=checkins_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        for _ in range(60):
            r = _post(client, "/v1/integrations/check-ins", {"items": items})
            statuses = (
                [i["status"] for i in r.json()["items"]] if r.status_code in (200, 207) else []
            )
            if statuses and "rejected" not in statuses:
                break
            time.sleep(1)
        else:
            raise SystemExit(f"check-ins not accepted: {r.status_code} {r.text}")
        if statuses[1] == "recorded":
            second = r.json()["items"][1]
            correction = {
                **items[1],
                "value": 26,
                "corrects": second["check_in_id"],
                "reason": "the first figure counted test accounts",
            }
            correction.pop("idempotency_key")
            _check(_post(client, "/v1/corrections", correction), "a correction")


def main(goals_url: str, checkins_url: str | None = None) -> int:
    token = DevTokenIssuer(AuthSettings()).issue(TENANT, CEO, ("admin",), ttl_seconds=12 * 3600)
    with httpx.Client(
        base_url=goals_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        _check(
            _post(client, "/v1/directory/import", {"org_units": ORG_UNITS, "people": PEOPLE}),
            "the directory",
        )
        for cycle in CYCLES:
            _check(_post(client, "/v1/cycles", cycle), cycle["cycle_id"])
        ids: dict[str, str] = {}
        objectives: dict[str, dict] = {}
        for key, level, owner_type, owner, title, krs, parents in OBJECTIVES:
            body = {
                "title": title,
                "level": level,
                "owner_type": owner_type,
                "owner_id": owner,
                "cycle_id": CYCLE,
                "key_results": krs,
                "aligned_to": [{"parent_objective_id": ids[p], "weight": w} for p, w in parents],
            }
            objectives[key] = _check(
                _post(client, "/v1/objectives", body, **{"Idempotency-Key": key}), key
            )
            ids[key] = objectives[key]["objective_id"]
        if client.get(f"/v1/cycles/{CYCLE}").json()["state"] == "planning":
            moment = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
            kickoff = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            time.sleep((moment - datetime.now(UTC)).total_seconds() + 0.2)
            _check(
                _post(
                    client,
                    f"/v1/cycles/{CYCLE}/state",
                    {"state": "active", "reason": "Q4 kick-off"},
                ),
                "state",
            )
            ana = client.get(f"/v1/objectives/{ids['demo-person-ana']}").json()
            revision = {
                "expected_version": ana["version"],
                "reason": "two sessions a week from November",
                "target": 20,
            }
            kr_id = ana["key_results"][0]["key_result_id"]
            r = client.patch(
                f"/v1/objectives/{ids['demo-person-ana']}/key-results/{kr_id}", json=revision
            )
            _check(r, "a revision")
        else:
            kickoff = _before_kickoff(client, ids["demo-person-ana"])
    if checkins_url:
        load_check_ins(checkins_url, token, objectives)
    print(token)
    print(kickoff)
    return 0


def _before_kickoff(client: httpx.Client, objective_id: str) -> str:
    """On a later run: the moment before the cycle began, read from an objective's history."""
    history = client.get(f"/v1/objectives/{objective_id}/history").json()
    created = datetime.fromisoformat(history[0]["recorded_at"]).astimezone(UTC)
    return (created + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


if __name__ == "__main__":
    raise SystemExit(
        main(
            sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8001",
            sys.argv[2] if len(sys.argv) > 2 else None,
        )
    )
