"""Loads the demo organisation (an e-commerce company) through the goal service's HTTP API.

Idempotency keys make it safe to load again: a second run creates nothing new.
"""

from __future__ import annotations

import sys
import time

import httpx

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings

TENANT = "shopco"
OBJECTIVES = [
    ("demo-company", "ceo@shopco.example", "company", "Become the platform with the best user experience in the industry", [
        ("Raise user satisfaction", 78, 90, "%", 0.5),
        ("Grow new-user registrations", 100_000, 130_000, "users", 0.3),
        ("Cut checkout abandonment", 32, 20, "%", 0.2),
    ]),
    ("demo-product", "head.product@shopco.example", "department", "Make checkout effortless on every device", [
        ("Checkout completion time (median)", 95, 45, "s", 0.6),
        ("Mobile app store rating", 4.1, 4.6, "stars", 0.4),
    ]),
    ("demo-sales", "head.sales@shopco.example", "department", "Bring merchants whose customers love us", [
        ("Merchants onboarded with NPS above 50", 40, 120, "merchants", 0.7),
        ("Revenue from new merchants", 0, 2.5, "MEUR", 0.3),
    ]),
    ("demo-rnd", "cto@shopco.example", "department", "A platform that is fast and never down", [
        ("Availability", 99.5, 99.95, "%", 0.5),
        ("p95 page load", 2.4, 1.2, "s", 0.5),
    ]),
    ("demo-team-payments", "lead.payments@shopco.example", "team", "One-click payments for returning users", [
        ("Share of returning users paying in one click", 5, 60, "%", 1.0),
    ]),
    ("demo-person-ana", "ana@shopco.example", "individual", "Run weekly usability tests of checkout", [
        ("Usability sessions held", 0, 12, "sessions", 1.0),
    ]),
]


def main(goals_url: str) -> int:
    token = DevTokenIssuer(AuthSettings()).issue(TENANT, "ceo@shopco.example", ("admin",), ttl_seconds=12 * 3600)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=goals_url, headers=headers, timeout=10) as client:
        for key, owner, level, title, krs in OBJECTIVES:
            body = {"title": title, "owner_id": owner, "level": level, "cycle_id": "2026-Q4",
                    "key_results": [{"title": t, "start": s, "target": g, "unit": u, "weight": w} for t, s, g, u, w in krs]}
            for attempt in range(30):
                try:
                    r = client.post("/v1/objectives", json=body, headers={"Idempotency-Key": key})
                    break
                except httpx.TransportError:
                    time.sleep(1)
            else:
                print("goal service did not answer", file=sys.stderr)
                return 1
            if r.status_code not in (200, 201):
                print(f"could not load {key}: {r.status_code} {r.text}", file=sys.stderr)
                return 1
    print(token)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8001"))
