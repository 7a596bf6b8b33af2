"""Grades the demo organisation's previous quarter through the review service's HTTP API.

Once the review service has opened the quarter's reviews, the people answerable for each key
result assess it with a remark, a manager overrides one, the CTO (a leader) calibrates R&D in a
session with a reason, the payments team writes its retrospectives (one step carried on by the
current quarter's objective), and the CEO (an admin) finalises the quarter's review before the
goal service closes the cycle. Safe to run again: a key result already scored by its scorer is
left alone, a finalised review is neither calibrated nor finalised twice, a retrospective
written is not written again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings

TENANT = "shopco"
CEO = "ceo@shopco.example"
CTO = "cto@shopco.example"
LEAD = "lead.payments@shopco.example"
ANA = "ana@shopco.example"
WAIT_SECONDS = 90


@dataclass(frozen=True)
class Score:
    """A score of one key result (objective key, index) by a person, with its remark."""

    objective: str
    key_result: int
    by: str
    score: float
    remark: str
    kind: str = "self"


SCORES = [
    Score("company", 0, CEO, 0.6, "Two survey waves moved; the third missed the season"),
    Score("company", 1, CEO, 0.7, "Abandonment fell most of the way; guest checkout helped"),
    Score("rnd", 0, CTO, 1.0, "Availability held above the range all quarter"),
    Score("rnd", 1, CTO, 0.8, "Down to two sev-1s a month; one regression in the last month"),
    Score("team-payments", 0, LEAD, 1.0, "Saved cards live for every returning user"),
    Score("team-payments", 1, ANA, 0.5, "Failures fell, but the new provider came late"),
    Score(
        "team-payments",
        1,
        LEAD,
        0.6,
        "The provider delay was outside the team's hands; the fix landed in the last week",
        "manager",
    ),
    Score("person-ana", 0, ANA, 1.0, "The failure dashboard went live in week six"),
    Score("person-ana", 1, ANA, 0.9, "Seven of eight runbooks; the last waits for the provider"),
    Score("person-sam", 0, LEAD, 0.5, "One of the two engineers signed; the search goes on"),
    Score(
        "person-sam",
        0,
        CTO,
        0.6,
        "The second hire fell through late, after the offer was accepted",
        "manager",
    ),
]


def token(person: str, *roles: str) -> str:
    return DevTokenIssuer(AuthSettings()).issue(TENANT, person, roles, ttl_seconds=3600)


def client(url: str, person: str, *roles: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token(person, *roles)}"}
    return httpx.Client(base_url=url, headers=headers, timeout=30)


def _check(r: httpx.Response, what: str) -> dict:
    if r.status_code not in (200, 201):
        raise SystemExit(f"could not {what}: {r.status_code} {r.text}")
    return r.json()


def reviews_of(reviews: httpx.Client, cycle_id: str, expected: int) -> dict[str, dict]:
    """The cycle's reviews by objective id, once all `expected` are open (503 means the review
    service is still catching up with Kafka)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        r = reviews.get("/v1/reviews", params={"cycle_id": cycle_id})
        if r.status_code == 200 and len(r.json()["items"]) >= expected:
            return {item["objective_id"]: item for item in r.json()["items"]}
        if r.status_code not in (200, 404, 503) or time.monotonic() > deadline:
            raise SystemExit(f"the reviews of {cycle_id} did not open: {r.status_code} {r.text}")
        time.sleep(0.5)


def _scored_by(review: dict, key_result_id: str, person: str, kind: str) -> bool:
    kr = next(k for k in review["key_results"] if k["key_result_id"] == key_result_id)
    return any(s["by"] == person and s["kind"] == kind for s in kr["scores"])


def _review(reviews: httpx.Client, review_id: str) -> dict:
    return _check(reviews.get(f"/v1/reviews/{review_id}"), "read a review")


def _post_on_current(
    writer: httpx.Client, reader: httpx.Client, path: str, body: dict, review_id: str, what: str
) -> dict:
    """Posts against the review's current version; again on a version conflict, since the
    review service may still be revising suggestions from check-ins it learns late."""
    for _ in range(20):
        version = _review(reader, review_id)["version"]
        r = writer.post(path, json={**body, "expected_version": version})
        if r.status_code != 409 or "version-conflict" not in r.text:
            return _check(r, what)
    raise SystemExit(f"could not {what}: the review kept changing")


def score(reviews_url: str, cycle_id: str, objectives: dict[str, dict]) -> None:
    """Gives every score of `SCORES` not given yet."""
    admin = client(reviews_url, CEO, "admin")
    by_objective = reviews_of(admin, cycle_id, len(objectives))
    for item in SCORES:
        objective = objectives[item.objective]
        review = _review(admin, by_objective[objective["objective_id"]]["review_id"])
        kr_id = objective["key_results"][item.key_result]["key_result_id"]
        if review["finalised"] or _scored_by(review, kr_id, item.by, item.kind):
            continue
        path = f"/v1/reviews/{review['review_id']}/key-results/{kr_id}/{item.kind}-score"
        body = {"score": item.score, "remark": item.remark}
        with client(reviews_url, item.by) as scorer:
            _post_on_current(
                scorer, admin, path, body, review["review_id"], f"score {item.key_result}"
            )


CALIBRATION = Score(
    "team-payments",
    0,
    CTO,
    0.9,
    "Live two weeks after the date promised to the peak-season plan",
    "calibration",
)


def calibrate(reviews_url: str, cycle_id: str, name: str, objectives: dict[str, dict]) -> None:
    """The CTO's calibration session for R&D: one adjustment with its reason, then closed."""
    item = CALIBRATION
    objective = objectives[item.objective]
    with client(reviews_url, CTO, "leader") as cto:
        review = reviews_of(cto, cycle_id, 1)[objective["objective_id"]]
        kr_id = objective["key_results"][item.key_result]["key_result_id"]
        if review["finalised"] or _scored_by(review, kr_id, item.by, item.kind):
            return
        body = {"org_unit_id": "rnd", "reason": f"{name} calibration of R&D"}
        session = _check(
            cto.post(f"/v1/cycles/{cycle_id}/calibration-sessions", json=body), "calibrate"
        )
        adjustment = {
            "review_id": review["review_id"],
            "key_result_id": kr_id,
            "score": item.score,
            "reason": item.remark,
        }
        path = f"/v1/calibration-sessions/{session['session_id']}"
        _post_on_current(
            cto, cto, f"{path}/adjustments", adjustment, review["review_id"], "adjust a score"
        )
        _check(cto.post(f"{path}/close", json={"reason": "R&D agreed"}), "close the session")


def retrospectives(
    reviews_url: str, cycle_id: str, objectives: dict[str, dict], following: dict[str, dict]
) -> None:
    """The payments team's retrospectives: its objective's (shared) and the team's own."""
    carried_by = following["team-payments"]["objective_id"]
    written = [
        {
            "objective_id": objectives["team-payments"]["objective_id"],
            "sharing": "shared",
            "content": {
                "worked": ["Saved cards shipped behind a flag and rolled out by cohort"],
                "did_not_work": ["The second payment provider's contract came late"],
                "lessons": ["Sign provider contracts before the quarter starts"],
                "next_steps": [
                    {"text": "Carry the failure rate work on", "objective_id": carried_by}
                ],
            },
        },
        {
            "org_unit_id": "payments",
            "sharing": "team",
            "content": {
                "worked": ["Pairing on the risky migrations"],
                "lessons": ["Keep one person free for incidents in peak weeks"],
            },
        },
    ]
    with client(reviews_url, LEAD) as lead:
        for body in written:
            r = lead.post("/v1/retrospectives", json={"cycle_id": cycle_id, **body})
            if r.status_code != 409:
                _check(r, "write a retrospective")


def finalise(reviews_url: str, cycle_id: str, name: str) -> None:
    """Finalises the quarter's reviews; again on a version conflict (a suggestion revised from a
    late check-in, or a reminder recorded, while finalising)."""
    with client(reviews_url, CEO, "admin") as admin:
        body = {"reason": f"{name} calibrated and agreed by the leadership team"}
        for _ in range(20):
            r = admin.post(f"/v1/cycles/{cycle_id}/review/finalise", json=body)
            if r.status_code != 409 or "version-conflict" not in r.text:
                _check(r, "finalise")
                return
        raise SystemExit("could not finalise: the reviews kept changing")


def grade(
    reviews_url: str,
    cycle_id: str,
    name: str,
    objectives: dict[str, dict],
    following: dict[str, dict],
) -> None:
    """Scores the quarter's key results, calibrates them, looks back and finalises the review;
    `following` are the next quarter's objectives by key (retrospective steps link them)."""
    score(reviews_url, cycle_id, objectives)
    calibrate(reviews_url, cycle_id, name, objectives)
    retrospectives(reviews_url, cycle_id, objectives, following)
    finalise(reviews_url, cycle_id, name)
