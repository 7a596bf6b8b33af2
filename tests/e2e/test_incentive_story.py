"""A cycle's review turned into rewards on the real stack, every service a process.

The goal service plans a small organisation's person-owned objectives (committed and
aspirational, department, team and individual), the check-in service takes their check-ins, the
cycle moves to grading; the review service opens the reviews, the owners self-score, a manager
overrides, the admin finalises. The incentive service learns all of it from Kafka: a policy is
bound, the awards are the hand-computed ones, each award's evidence names the `ReviewFinalised`
events on the stack's `okr.reviews.v1` and recomputes to itself; an admin's correction of one
score gives exactly one `AwardAdjusted`; the payroll export matches the ledger; the projections
serve rewards, budgets and fairness; the service's stored events replayed into a fresh
PostgreSQL database give the same balances. Bad input is refused with problem details, and
nothing is stored.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections import Counter

import httpx

from okr_incentives.awards.domain import compute_award
from okr_incentives.bootstrap import build_handlers, knowledge_store
from okr_incentives.store import IncentivesStore
from okr_shared.cloudevents import CloudEvent, from_kafka
from okr_shared.event_meta import Caller, EventMeta
from okr_shared.messaging import INCENTIVES_TOPIC, REVIEWS_TOPIC, dead_letter_topic
from tests.support.kafka_records import records_on
from tests.support.org import CYCLE
from tests.support.processes import wait_for

POLICY = {
    "bands": [
        {"from": 0.0, "to": 0.4, "points": 0, "multiplier": 0.0},
        {"from": 0.4, "to": 0.7, "points": 100, "multiplier": 1.0},
        {"from": 0.7, "to": 1.0, "points": 200, "multiplier": 1.5},
    ],
    "level_factors": {"department": 2, "team": 1.5, "individual": 1},
    "commitment_factors": {"committed": 2, "aspirational": 1},
    # The directory was imported today, after the cycle ended: nobody was in the company during
    # it by the directory's record, so the policy asks for no days in the cycle.
    "eligibility": {"min_days_in_cycle": 0},
    "caps": {"per_person": 180, "per_cycle": None},
    "budgets": {"web": 210},
    "reason": "Q1 bonus scheme",
}

OBJECTIVES = {
    # name: owner, level, commitment, the check-in's value of 100 (the suggested score)
    "vps-growth": ("vps", "department", "committed", 70),
    "rep-deals": ("rep", "individual", "aspirational", 30),
    "lead-uptime": ("lead", "team", "committed", 90),
    "dev-checkout": ("dev", "individual", "aspirational", 80),
    "dev-latency": ("dev", "team", "committed", 60),
}
PEOPLE = ("vps", "rep", "lead", "dev")

# The awards by hand (weight = level factor x commitment factor; a band holds from its `from`
# up to its `to`, the last one 1.0 too):
#   vps:  department committed 0.7, weight 4; score 0.7 -> band [0.7, 1.0]: 200 points, x1.5;
#         per-person cap 180 -> 180. Sales has no budget: 180.
#   rep:  individual aspirational 0.3, weight 1; score 0.3 -> band [0, 0.4): 0 points, x0.0.
#   lead: team committed 0.9, weight 3; score 0.9 -> 200, x1.5; cap -> 180.
#   dev:  individual aspirational 0.8 (weight 1) and team committed 0.5 (the manager's
#         override of 0.6; weight 3): score (0.8 + 1.5) / 4 = 0.575 -> band [0.4, 0.7): 100, x1.0.
#   web asks 180 + 100 = 280 > its budget 210: every web award is scaled by 210/280, rounded
#   down: lead 180 * 210 / 280 = 135, dev 100 * 210 / 280 = 75. No cycle cap.
#   Together: 180 + 0 + 135 + 75 = 390 points, four awards.
AWARDS = {"vps": (180, 1.5), "rep": (0, 0.0), "lead": (135, 1.5), "dev": (75, 1.0)}
# The admin corrects dev-latency to 0.8: dev's score (0.8 + 2.4) / 4 = 0.8 -> 200, x1.5; cap
# 180; the web totals stay as bound (280 asked of 210): 180 * 210 / 280 = 135. The compensating
# entry is the difference: +60 points, +0.5 multiplier.
CORRECTED = {**AWARDS, "dev": (135, 1.5)}
CORRECTION_REASON = "the latency dashboard had dropped a region"
BINDING = {"policy_id": "bonus", "policy_version": 1, "reason": "Q1 bonus"}


def ok(r: httpx.Response, status: int = 200) -> dict:
    assert r.status_code == status, r.text
    return r.json()


def pointers(r: httpx.Response) -> list[str]:
    return [e["pointer"] for e in r.json().get("errors", [])]


def events_on(stack, topic: str, tenant: str) -> list[CloudEvent]:
    """The tenant's events on the stack's topic, from its start to its current end."""
    records = asyncio.run(records_on(stack.infra.kafka_bootstrap, stack.topic(topic)))
    events = [from_kafka({k: v.decode() for k, v in r.headers}, r.value) for r in records]
    return [e for e in events if e.tenantid == tenant]


def unless_lagging(r: httpx.Response) -> httpx.Response | None:
    """None while the service answers 503 (it has not learned enough yet), else the answer."""
    return None if r.status_code == 503 else r


class Story:
    """The services' clients and what the story learns along the way."""

    def __init__(self, stack, tenant, reviews, incentives) -> None:
        self.stack, self.tenant, self.incentives = stack, tenant, incentives
        self.goals = self.client(stack.goals_url, admin=True)
        self.reviews_url = reviews.url
        self.reviews = self.client(reviews.url, admin=True)
        self.inc = self.client(incentives.url, admin=True)
        self.objectives: dict[str, str] = {}
        self.key_results: dict[str, str] = {}
        self.review_of: dict[str, dict] = {}
        self.finals: dict[str, CloudEvent] = {}

    def client(self, url: str, who: str = "ceo", admin: bool = False) -> httpx.Client:
        return httpx.Client(base_url=url, headers=self.tenant.headers(who, admin), timeout=30)

    def events(self, topic: str) -> list[CloudEvent]:
        return events_on(self.stack, topic, self.tenant.tenant)

    def kr_path(self, name: str) -> str:
        review_id = self.review_of[name]["review_id"]
        return f"/v1/reviews/{review_id}/key-results/{self.key_results[name]}"

    def owner_of(self, review_id: str) -> str:
        return next(
            OBJECTIVES[n][0] for n, r in self.review_of.items() if r["review_id"] == review_id
        )

    def finals_of(self, person: str) -> list[CloudEvent]:
        return [e for e in self.finals.values() if self.owner_of(e.subject) == person]

    def ledger(self, person: str) -> dict:
        return ok(self.inc.get(f"/v1/people/{person}/awards"))

    # ---- 1. through the goal, check-in and review services

    def plan_and_check_in(self) -> None:
        for name, (owner, level, commitment, _) in OBJECTIVES.items():
            body = {
                "title": name,
                "level": level,
                "owner_type": "person",
                "owner_id": owner,
                "cycle_id": CYCLE,
                "commitment": commitment,
                "key_results": [{"title": name, "kind": "increase_to", "start": 0, "target": 100}],
            }
            created = ok(self.goals.post("/v1/objectives", json=body), 201)
            self.objectives[name] = created["objective_id"]
            self.key_results[name] = created["key_results"][0]["key_result_id"]
        self.cycle_state("active")
        for name, (owner, _, _, value) in OBJECTIVES.items():
            self.check_in(owner, self.key_results[name], value)
        self.cycle_state("grading")

    def cycle_state(self, state: str) -> None:
        body = {"state": state, "reason": f"the cycle is {state}"}
        ok(self.goals.post(f"/v1/cycles/{CYCLE}/state", json=body))

    def check_in(self, owner: str, key_result_id: str, value: float) -> None:
        """A check-in by the owner, once the check-in service has learned the key result."""
        checkins = self.client(self.stack.checkins_url, owner)
        body = {
            "key_result_id": key_result_id,
            "value": value,
            "confidence": 7,
            "effective_at": "2026-03-30T09:00:00Z",
            "note": {"progress": "moved", "plans": "next", "problems": ""},
        }
        wait_for(lambda: checkins.post("/v1/check-ins", json=body).status_code == 201)

    def score(self) -> None:
        """Once the review service has opened the five reviews with the check-ins' suggestions,
        each owner self-scores the suggestion; lead overrides dev-latency's 0.6 with 0.5."""
        found = wait_for(self.opened, seconds=30, interval=0.2)
        for name, (owner, _, _, value) in OBJECTIVES.items():
            body = {"score": value / 100, "expected_version": found[name]["version"]}
            self.review_of[name] = found[name]
            scored = self.client(self.reviews_url, owner).post(
                f"{self.kr_path(name)}/self-score", json=body
            )
            self.review_of[name] = ok(scored)
        override = {
            "score": 0.5,
            "remark": "p99 still above target in March",
            "expected_version": self.review_of["dev-latency"]["version"],
        }
        lead = self.client(self.reviews_url, "lead")
        latency = ok(lead.post(f"{self.kr_path('dev-latency')}/manager-score", json=override))
        assert latency["score"] == 0.5
        self.review_of["dev-latency"] = latency

    def opened(self) -> dict[str, dict] | None:
        r = self.reviews.get("/v1/reviews", params={"cycle_id": CYCLE})
        if r.status_code != 200:
            return None
        by_objective = {rv["objective_id"]: rv for rv in r.json()["items"]}
        suggested = {
            kr["key_result_id"]: kr["suggested_score"]
            for rv in by_objective.values()
            for kr in rv["key_results"]
        }
        expected = {self.key_results[n]: o[3] / 100 for n, o in OBJECTIVES.items()}
        if suggested != expected:
            return None
        return {name: by_objective[self.objectives[name]] for name in OBJECTIVES}

    def finalise(self) -> None:
        """The admin finalises; a ReviewFinalised per review reaches okr.reviews.v1."""
        body = {"reason": "calibrated"}
        final = ok(self.reviews.post(f"/v1/cycles/{CYCLE}/review/finalise", json=body))
        assert len(final["items"]) == 5 and all(r["finalised"] for r in final["items"])
        review_ids = {r["review_id"] for r in self.review_of.values()}

        def finalised() -> dict[str, CloudEvent] | None:
            done = {
                e.subject: e
                for e in self.events(REVIEWS_TOPIC)
                if e.schema_name == "ReviewFinalised"
            }
            return done if review_ids <= done.keys() else None

        self.finals = wait_for(finalised, seconds=20, interval=0.3)
        by_name = {n: self.finals[r["review_id"]].data["score"] for n, r in self.review_of.items()}
        assert by_name == {
            "vps-growth": 0.7,
            "rep-deals": 0.3,
            "lead-uptime": 0.9,
            "dev-checkout": 0.8,
            "dev-latency": 0.5,
        }

    # ---- 7. bad input on the real stack, nothing stored (the stored events are counted at the
    # end, in `published`)

    def refuse_bad_input(self) -> None:
        """Before finalisation: a policy with a gap, binding, exporting, kudos to oneself."""
        assert ok(self.inc.put("/v1/policies/bonus", json=POLICY))["version"] == 1
        bands = POLICY["bands"]
        gap = {**POLICY, "bands": [bands[0], {**bands[1], "from": 0.5}, bands[2]]}
        refused = self.inc.put("/v1/policies/bonus", json=gap)
        assert refused.status_code == 422, refused.text
        assert pointers(refused) == ["#/bands/1/from"], refused.text
        current = ok(self.inc.get("/v1/policies/bonus"))
        assert current["version"] == 1 and current["bands"][1]["from"] == 0.4

        early = wait_for(
            lambda: self.unfinalised(self.inc.post(f"/v1/cycles/{CYCLE}/policy", json=BINDING))
        )
        assert pointers(early) == ["path:cycle_id"], early.text
        unexported = self.unfinalised(self.inc.post(f"/v1/cycles/{CYCLE}/exports"))
        assert unexported is not None and pointers(unexported) == ["path:cycle_id"]
        assert self.inc.get(f"/v1/cycles/{CYCLE}/policy").status_code == 404

        dev = self.client(self.incentives.url, "dev")
        kudos = {
            "objective_id": self.objectives["dev-checkout"],
            "recipient_id": "dev",
            "message": "well done me",
        }
        to_oneself = wait_for(lambda: unless_lagging(dev.post("/v1/kudos", json=kudos)))
        assert to_oneself.status_code == 422, to_oneself.text
        assert pointers(to_oneself) == ["#/recipient_id"], to_oneself.text
        assert ok(dev.get("/v1/people/dev/recognition"))["kudos_given"] == []

    @staticmethod
    def unfinalised(r: httpx.Response) -> httpx.Response | None:
        """The 409 once the service knows the five graded objectives (503 while it learns)."""
        if unless_lagging(r) is None:
            return None
        assert r.status_code == 409, r.text
        return r if "5 graded objective(s)" in r.json()["detail"] else None

    # ---- 2. binding and the awards

    def bind(self) -> dict[str, dict]:
        """Binds the policy, waiting while the service has not learned the finalisation."""

        def bound() -> dict | None:
            r = self.inc.post(f"/v1/cycles/{CYCLE}/policy", json=BINDING)
            return None if r.status_code in (409, 503) else ok(r)

        result = wait_for(bound, seconds=30, interval=0.2)
        assert (result["awards"], result["points"]) == (4, 390)
        ledgers = {p: self.ledger(p) for p in PEOPLE}
        totals = {
            p: (lg["cycles"][0]["points"], lg["cycles"][0]["multiplier"])
            for p, lg in ledgers.items()
        }
        assert totals == AWARDS
        assert {p: lg["balance"]["points"] for p, lg in ledgers.items()} == {
            p: points for p, (points, _) in AWARDS.items()
        }
        assert self.ledger("ceo")["entries"] == [] and self.ledger("cto")["entries"] == []
        return ledgers

    # ---- 3. the evidence

    def check_evidence(self, person: str, award_id: str) -> None:
        """The grant stands on the person's ReviewFinalised events, as they are on the topic,
        and recomputing it from its inputs under the bound policy gives it again."""
        policy = ok(self.inc.get("/v1/policies/bonus/versions/1"))
        chain = ok(self.inc.get(f"/v1/awards/{award_id}/evidence"))
        assert (chain["policy_id"], chain["policy_version"]) == ("bonus", 1)
        (granted,) = chain["entries"]
        named = sorted(
            (e["event_id"], e["type"], e["sequence"], e["review_id"]) for e in granted["evidence"]
        )
        finals = self.finals_of(person)
        assert named == sorted((e.id, e.type, e.sequence, e.subject) for e in finals)
        scores = {o["review_id"]: o["score"] for o in granted["inputs"]["objectives"]}
        assert scores == {e.subject: e.data["score"] for e in finals}
        again = compute_award(policy, granted["inputs"])
        assert (again["points"], again["multiplier"]) == AWARDS[person]
        points, multiplier = AWARDS[person]
        assert granted["recomputed"] == {"points": points, "multiplier": multiplier}
        assert granted["matches"]

    # ---- 4. a correction

    def correct(self, award_id: str) -> CloudEvent:
        """An admin corrects dev-latency to 0.8; one AwardAdjusted follows, linked to the
        correction's KeyResultScored."""
        now = ok(self.reviews.get(f"/v1/reviews/{self.review_of['dev-latency']['review_id']}"))
        correction = {
            "score": 0.8,
            "correction": True,
            "reason": CORRECTION_REASON,
            "expected_version": now["version"],
        }
        path = f"{self.kr_path('dev-latency')}/self-score"
        assert ok(self.reviews.post(path, json=correction))["score"] == 0.8

        def corrected() -> list[CloudEvent]:
            return [
                e
                for e in self.events(REVIEWS_TOPIC)
                if e.schema_name == "KeyResultScored" and e.data["kind"] == "correction"
            ]

        (event,) = wait_for(corrected, seconds=20, interval=0.3)
        wait_for(lambda: self.ledger("dev")["balance"]["points"] == 135, seconds=30, interval=0.2)

        def adjusted() -> list[CloudEvent]:
            return [e for e in self.events(INCENTIVES_TOPIC) if e.schema_name == "AwardAdjusted"]

        (adjustment,) = wait_for(adjusted, seconds=20, interval=0.3)
        data = adjustment.data
        assert (data["person_id"], data["points"], data["multiplier"]) == ("dev", 60, 0.5)
        assert (data["source_event_id"], data["award_id"]) == (event.id, award_id)
        chain = ok(self.inc.get(f"/v1/awards/{award_id}/evidence"))
        assert [e["matches"] for e in chain["entries"]] == [True, True], chain
        assert event.id in {e["event_id"] for e in chain["entries"][1]["evidence"]}
        assert (chain["points"], chain["multiplier"]) == CORRECTED["dev"]
        return event

    # ---- 5. the payroll export

    def export(self, balances: dict[str, int], correction: CloudEvent) -> None:
        """The CSV's and the JSON's points per person are the ledger's; asked again, the same
        export, the same bytes."""
        export = ok(self.inc.post(f"/v1/cycles/{CYCLE}/exports"), 201)
        assert ok(self.inc.post(f"/v1/cycles/{CYCLE}/exports"))["export_id"] == export["export_id"]
        assert export["totals"] == {"points": 450, "entries": 5}
        files = {}
        for fmt in ("csv", "json"):
            first = self.inc.get(f"/v1/exports/{export['export_id']}.{fmt}")
            assert first.status_code == 200, first.text
            assert self.inc.get(f"/v1/exports/{export['export_id']}.{fmt}").content == first.content
            files[fmt] = first.content
        rows = list(csv.DictReader(io.StringIO(files["csv"].decode("utf-8"))))
        assert {r["person_id"]: int(r["points"]) for r in rows} == balances
        multipliers = {r["person_id"]: float(r["multiplier"]) for r in rows}
        assert multipliers == {p: m for p, (_, m) in CORRECTED.items()}
        document = json.loads(files["json"])
        assert document["export_id"] == export["export_id"]
        assert {r["person_id"]: r["points"] for r in document["people"]} == balances
        (dev,) = [r for r in rows if r["person_id"] == "dev"]
        assert set(dev["review_event_ids"].split(";")) == {
            *(e.id for e in self.finals_of("dev")),
            correction.id,
        }

    # ---- 6. the projections

    def projected(self, dev_entries: list[dict]) -> None:
        """Dev's rewards, the cycle's budgets and its fairness report, as the ledger has them."""
        projections = self.client(self.stack.projections_url, admin=True)

        def rewards() -> dict | None:
            r = projections.get("/v1/people/dev/rewards")
            found = r.json() if r.status_code == 200 else None
            return found if found and found["balance"]["points"] == 135 else None

        (cycle,) = wait_for(rewards, seconds=30, interval=0.3)["cycles"]
        assert (cycle["points"], cycle["multiplier"]) == CORRECTED["dev"]
        assert [e["entry_id"] for e in cycle["entries"]] == [e["entry_id"] for e in dev_entries]

        def budgets() -> dict | None:
            r = projections.get(f"/v1/cycles/{CYCLE}/budgets")
            found = r.json() if r.status_code == 200 else None
            units = {u["org_unit_id"]: u for u in found["units"]} if found else {}
            adjusted = units.get("web", {}).get("adjusted")
            return units if found and found["bound"] and adjusted else None

        units = wait_for(budgets, seconds=30, interval=0.3)
        columns = ("budget", "people", "granted", "adjusted", "used", "remaining")
        assert {k: tuple(u[c] for c in columns) for k, u in units.items()} == {
            "sales": (None, 2, 180, 0, 180, None),
            "web": (210, 2, 210, 60, 270, -60),
        }
        fairness = ok(projections.get(f"/v1/cycles/{CYCLE}/fairness"))
        assert fairness["people"] == 4
        means = {g["key"]: g["points"]["mean"] for g in fairness["by_org_unit"]}
        assert means == {"sales": 90.0, "web": 135.0}
        # Predicted (band points cut to the cap): sales 180 + 0, web 180 + 180 (dev's corrected
        # score); ratios 180/180 = 1.0 and 270/360 = 0.75, each against the other.
        flags = {u["org_unit_id"]: (u["flag"], u["deviation"]) for u in fairness["outliers"]}
        assert flags == {"sales": ("above", 0.333333), "web": ("below", -0.25)}

    def published(self) -> None:
        """Everything the service stored is on okr.incentives.v1: one policy version (the gapped
        one was not stored), no kudos, one binding, four grants, one adjustment, one export; the
        service dead-lettered none of the events it learned from."""

        def names() -> Counter | None:
            found = Counter(e.schema_name for e in self.events(INCENTIVES_TOPIC))
            return found if found["PayrollExported"] else None

        assert wait_for(names, seconds=20, interval=0.3) == Counter(
            {
                "RewardPolicySet": 1,
                "PolicyBoundToCycle": 1,
                "AwardGranted": 4,
                "AwardAdjusted": 1,
                "PayrollExported": 1,
            }
        )
        dead_letters = dead_letter_topic(self.incentives.consumer_group)
        assert (
            asyncio.run(
                records_on(self.stack.infra.kafka_bootstrap, self.stack.topic(dead_letters))
            )
            == []
        )

    # ---- 8. replay

    def replay(self, ledgers: dict[str, dict], fresh_database: str) -> None:
        """The service's stored events, read from its PostgreSQL database into a fresh one, give
        the same ledgers."""
        stored = IncentivesStore(env=self.incentives.event_store)
        events = [
            stored.mapper.to_domain_event(n)
            for n in stored.recorder.select_notifications(0, 10_000)
        ]
        env = {**self.incentives.event_store, "INCENTIVES_POSTGRES_DBNAME": fresh_database}
        fresh = IncentivesStore(env=env)
        fresh.save(*events)
        knowledge = knowledge_store(self.incentives.event_store)
        try:
            replayed = build_handlers(fresh, knowledge).awards
            meta = EventMeta(self.tenant.tenant, "ceo", "corr-replay", "req")
            admin = Caller(meta=meta, roles=frozenset({"admin"}))
            for person, ledger in ledgers.items():
                again = replayed.ledger(admin, person)
                assert again["balance"] == ledger["balance"]
                assert [(e["entry_id"], e["points"]) for e in again["entries"]] == [
                    (e["entry_id"], e["points"]) for e in ledger["entries"]
                ]
        finally:
            knowledge.close()


def test_finalised_reviews_become_awards_traceable_to_their_events(
    stack, tenant, reviews, incentives, new_database
):
    story = Story(stack, tenant, reviews, incentives)
    story.plan_and_check_in()
    story.score()
    story.refuse_bad_input()
    story.finalise()

    ledgers = story.bind()
    award_ids = {p: lg["cycles"][0]["award_id"] for p, lg in ledgers.items()}
    for person, award_id in award_ids.items():
        story.check_evidence(person, award_id)

    correction = story.correct(award_ids["dev"])
    ledgers = {p: story.ledger(p) for p in PEOPLE}
    for person, ledger in ledgers.items():
        assert ledger["balance"]["points"] == sum(e["points"] for e in ledger["entries"])
        assert ledger["balance"]["points"] == CORRECTED[person][0]
    dev_entries = ledgers["dev"]["entries"]
    assert [(e["kind"], e["points"]) for e in dev_entries] == [("granted", 75), ("adjusted", 60)]
    assert dev_entries[1]["reason"] == CORRECTION_REASON

    story.export({p: lg["balance"]["points"] for p, lg in ledgers.items()}, correction)
    story.projected(dev_entries)
    story.published()
    story.replay(ledgers, new_database())
