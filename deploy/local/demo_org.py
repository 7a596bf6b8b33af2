"""Loads the demo organisation (an e-commerce company) through the goal service's HTTP API.

Its cycles are placed around the day it runs (`--today`, by default today in UTC): the current
calendar quarter is the active cycle, the previous quarter an activated cycle that is then moved
to grading, graded through the review service when its URL is given (`demo_grading.py`) and
closed, and the next quarter a planned one. Committed objectives are named in `COMMITTED`; the
others are aspirational. With a check-in service URL, it also feeds check-ins through the
integration feed, one a week or less per key result, back-dated into the weeks already over
(never the future, never outside their cycle), and one correction.

Everything it sends follows from the date alone, and the directory import, the cycles and the
idempotency keys make it safe to load again: a second run on the same day creates nothing new,
a later one only adds the check-ins of the weeks since.

Output: the CEO's token, the moment before the current cycle's kick-off, the current cycle id.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import httpx

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings

TENANT = "shopco"
CEO = "ceo@shopco.example"
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


def kr(title, kind, weight, **fields):
    return {"title": title, "kind": kind, "weight": weight, **fields}


# The current quarter's objectives: key, level, owner type, owner, title, key results, parents
# (keys and contribution weights). The keys name them within their cycle.
CURRENT_OBJECTIVES = [
    (
        "company",
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
        "product",
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
        [("company", 0.6)],
    ),
    (
        "sales",
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
        [("company", 0.4)],
    ),
    (
        "rnd",
        "department",
        "org_unit",
        "rnd",
        "A platform that is fast and never down",
        [
            kr("Availability", "range", 0.5, baseline=99.9, lower=99.9, upper=100, unit="%"),
            kr("p95 page load", "decrease_to", 0.5, start=2.4, target=1.2, unit="s"),
        ],
        [("company", 0.3)],
    ),
    (
        "team-payments",
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
        [("rnd", 0.5), ("product", 0.5), ("sales", 0.2)],
    ),
    (
        "person-ana",
        "individual",
        "person",
        "ana@shopco.example",
        "Run weekly usability tests of checkout",
        [kr("Usability sessions held", "increase_to", 1.0, start=0, target=12, unit="sessions")],
        [("team-payments", 1.0)],
    ),
]


COMMITTED = {"rnd"}
"""Objective keys committed to (expected at 1.0); every other objective is aspirational."""

# The previous quarter's few objectives: the work that led to the current quarter's.
PREVIOUS_OBJECTIVES = [
    (
        "company",
        "company",
        "org_unit",
        "shopco",
        "Get the storefront ready for the peak season",
        [
            kr("Raise user satisfaction", "percentage", 0.5, start=74, target=78),
            kr("Cut checkout abandonment", "decrease_to", 0.5, start=36, target=32, unit="%"),
        ],
        [],
    ),
    (
        "rnd",
        "department",
        "org_unit",
        "rnd",
        "Pay down the platform's reliability debt",
        [
            kr("Availability", "range", 0.5, baseline=99.8, lower=99.9, upper=100, unit="%"),
            kr("Sev-1 incidents a month", "decrease_to", 0.5, start=6, target=1, unit="incidents"),
        ],
        [("company", 0.5)],
    ),
    (
        "team-payments",
        "team",
        "org_unit",
        "payments",
        "Saved cards for returning users",
        [
            kr(
                "Saved cards live",
                "milestone",
                0.6,
                owner_id="lead.payments@shopco.example",
            ),
            kr(
                "Payment failures",
                "decrease_to",
                0.4,
                start=4.2,
                target=3.5,
                unit="%",
                owner_id="ana@shopco.example",
            ),
        ],
        [("rnd", 1.0)],
    ),
    (
        "person-ana",
        "individual",
        "person",
        "ana@shopco.example",
        "Make payment failures visible to the team",
        [
            kr("Failure dashboard live", "milestone", 0.5),
            kr("Runbooks written", "increase_to", 0.5, start=0, target=8, unit="runbooks"),
        ],
        [("team-payments", 0.5)],
    ),
    (
        "person-sam",
        "individual",
        "person",
        "lead.payments@shopco.example",
        "Grow the payments team",
        [kr("Engineers hired", "increase_to", 1.0, start=0, target=2, unit="people")],
        [("team-payments", 0.5)],
    ),
]


@dataclass(frozen=True)
class Plan:
    """How one key result is checked in on over a quarter.

    Every `every` weeks (from the first), the value reaches `pace` of the way from start to
    target in proportion to the weeks gone (a milestone is done once that reaches 1), or takes
    the next of `values`. `notes` are (confidence, progress note) pairs in the order of the
    quarter: a check-in takes the pair matching how far through the quarter its week is.
    """

    objective: str
    key_result: int
    every: int
    notes: tuple[tuple[int, str], ...]
    pace: float = 1.0
    digits: int = 0
    values: tuple[float, ...] = ()


CURRENT_PLANS = [
    Plan(
        "company",
        0,
        4,
        ((8, "Survey wave 1"), (7, "Survey wave 2"), (7, "Survey wave 3")),
        pace=0.7,
        digits=1,
    ),
    Plan(
        "company",
        2,
        2,
        ((6, "Abandonment flat so far"), (7, "Guest checkout helped"), (7, "Holding the gain")),
        pace=0.6,
        digits=1,
    ),
    Plan(
        "product",
        0,
        2,
        ((7, "Address autofill shipped"), (7, "Fewer form fields"), (8, "Wallets on mobile")),
        pace=0.8,
    ),
    Plan(
        "product",
        1,
        2,
        (
            (5, "Design review pending"),
            (6, "Prototype in user tests"),
            (7, "Built behind a flag"),
            (8, "Rolled out to 10% of traffic"),
            (9, "Live for everyone"),
        ),
        pace=1.25,
    ),
    Plan(
        "sales",
        0,
        2,
        ((6, "Pipeline slower than planned"), (6, "Two big merchants signed"), (7, "On pace")),
        pace=0.75,
    ),
    Plan(
        "sales",
        1,
        4,
        ((7, "First merchants billing"), (7, "Month two revenue in"), (8, "Month three in")),
        pace=0.8,
        digits=-3,
    ),
    Plan(
        "rnd",
        0,
        2,
        ((9, "No incident"), (8, "One short outage of search"), (9, "No incident")),
        values=(99.97, 99.95, 99.88, 99.96, 99.99, 99.93, 99.97),
        digits=2,
    ),
    Plan(
        "rnd",
        1,
        2,
        ((6, "Image CDN switched"), (7, "Lazy loading on listings"), (7, "Bundle split")),
        pace=0.7,
        digits=2,
    ),
    Plan(
        "team-payments",
        0,
        1,
        (
            (7, "Saved cards live for 20% of users"),
            (6, "Rollout to Android delayed a week"),
            (7, "Android rollout done"),
            (8, "One click on by default"),
        ),
        pace=0.8,
    ),
    Plan(
        "team-payments",
        1,
        2,
        ((7, "Retries on the card gateway"), (8, "Second acquirer as fallback")),
        pace=0.9,
        digits=2,
    ),
    Plan(
        "person-ana",
        0,
        1,
        ((7, "Recruiting testers"), (8, "Sessions every week"), (8, "Two sessions a week")),
        pace=1.3,
    ),
]
PREVIOUS_PLANS = [
    Plan(
        "company",
        0,
        4,
        ((7, "Survey wave 1"), (7, "Survey wave 2"), (8, "Survey wave 3")),
        pace=1.0,
        digits=1,
    ),
    Plan(
        "company",
        1,
        2,
        ((6, "Shipping costs shown earlier"), (7, "Fewer surprises at payment")),
        pace=0.9,
        digits=1,
    ),
    Plan(
        "rnd",
        0,
        2,
        ((7, "Database failover drill"), (8, "No incident"), (9, "No incident")),
        values=(99.85, 99.91, 99.94, 99.96, 99.98, 99.97, 99.99),
        digits=2,
    ),
    Plan(
        "rnd",
        1,
        4,
        ((5, "Two sev-1s this month"), (7, "On-call runbooks rewritten"), (8, "One sev-1")),
        pace=0.8,
    ),
    Plan(
        "team-payments",
        0,
        2,
        ((6, "Card vault chosen"), (7, "Tokenisation in staging"), (9, "Saved cards live")),
        pace=1.5,
    ),
    Plan(
        "team-payments",
        1,
        2,
        ((7, "Timeouts tuned"), (8, "3-D Secure flow fixed")),
        pace=1.0,
        digits=2,
    ),
    Plan("person-ana", 0, 2, ((6, "Metrics wired"), (8, "Dashboard live")), pace=1.3),
    Plan("person-ana", 1, 2, ((7, "Top failures covered"), (8, "Seven of eight")), pace=0.9),
    Plan(
        "person-sam",
        0,
        4,
        ((6, "Two offers out"), (7, "One signed"), (6, "Second candidate declined")),
        values=(0, 1, 1),
    ),
]
CORRECTED = ("team-payments", 0, 2)
"""The current cycle's check-in corrected once recorded: objective, key result, week (1 = first)."""

CURRENT = (CURRENT_OBJECTIVES, CURRENT_PLANS)
PREVIOUS = (PREVIOUS_OBJECTIVES, PREVIOUS_PLANS)

# ---- dates


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter as a cycle: `2026-Q4`, 2026-10-01 to 2026-12-31 (both included)."""

    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def cycle_id(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def name(self) -> str:
        return f"Q{self.number} {self.year}"

    @property
    def starts_on(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> date:
        return self.next().starts_on - timedelta(days=1)

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def as_cycle(self) -> dict:
        return {
            "cycle_id": self.cycle_id,
            "name": self.name,
            "cadence": "quarterly",
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
        }

    def weeks(self) -> list[date]:
        """The day each week of the quarter is checked in on: its last day, the quarter's first
        week being its first seven days; a short week at the end gets none."""
        days = []
        day = self.starts_on + timedelta(days=6)
        while day <= self.ends_on:
            days.append(day)
            day += timedelta(days=7)
        return days

    def past_weeks(self, today: date) -> list[date]:
        """The check-in days already over on `today` (all of them for a quarter gone by)."""
        return [day for day in self.weeks() if day < today]


def cycles_around(today: date) -> tuple[Quarter, Quarter, Quarter]:
    """The previous, the current and the next quarter of `today`."""
    current = Quarter.of(today)
    return current.previous(), current, current.next()


# ---- check-ins


@dataclass(frozen=True)
class CheckIn:
    objective: str
    key_result: int
    idempotency_key: str
    effective_at: str
    value: float | bool
    confidence: int
    note: str


def _value(plan: Plan, key_result: dict, done: float, count: int) -> float | bool:
    """The value at `done` (the share of the quarter's weeks gone), the `count`-th check-in."""
    if plan.values:
        return plan.values[count % len(plan.values)]
    reached = plan.pace * done
    if key_result["kind"] == "milestone":
        return reached >= 1 - 1e-9
    start, target = key_result["start"], key_result["target"]
    value = round(start + (target - start) * reached, plan.digits)
    return int(value) if plan.digits <= 0 else value


def check_ins(quarter: Quarter, objectives: list, plans: list[Plan], today: date) -> list[CheckIn]:
    """The check-ins of `quarter` in the weeks over by `today`, at noon UTC of each week's day."""
    key_results = {key: krs for key, _, _, _, _, krs, _ in objectives}
    weeks = quarter.weeks()
    found = []
    for plan in plans:
        key_result = key_results[plan.objective][plan.key_result]
        for count, week in enumerate(range(0, len(quarter.past_weeks(today)), plan.every)):
            done = (week + 1) / len(weeks)
            confidence, note = plan.notes[
                min(len(plan.notes) - 1, int(done * len(plan.notes) + 1e-9))
            ]
            found.append(
                CheckIn(
                    plan.objective,
                    plan.key_result,
                    f"demo-{quarter.cycle_id}-{plan.objective}-kr{plan.key_result}-w{week + 1}",
                    f"{weeks[week].isoformat()}T12:00:00Z",
                    _value(plan, key_result, done, count),
                    confidence,
                    note,
                )
            )
    return found


# ---- loading


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


def _state(client: httpx.Client, cycle_id: str) -> str:
    return _check(client.get(f"/v1/cycles/{cycle_id}"), cycle_id)["state"]


def _advance(client: httpx.Client, cycle_id: str, state: str, reason: str) -> None:
    body = {"state": state, "reason": reason}
    _check(_post(client, f"/v1/cycles/{cycle_id}/state", body), f"the state of {cycle_id}")


def load_objectives(client: httpx.Client, quarter: Quarter, spec: list) -> dict[str, dict]:
    """The cycle's objectives by key, parents first (idempotent: keyed by cycle and key)."""
    objectives: dict[str, dict] = {}
    for key, level, owner_type, owner, title, krs, parents in spec:
        body = {
            "title": title,
            "level": level,
            "owner_type": owner_type,
            "owner_id": owner,
            "cycle_id": quarter.cycle_id,
            "commitment": "committed" if key in COMMITTED else "aspirational",
            "key_results": krs,
            "aligned_to": [
                {"parent_objective_id": objectives[p]["objective_id"], "weight": w}
                for p, w in parents
            ],
        }
        idempotency_key = f"demo-{quarter.cycle_id}-{key}"
        objectives[key] = _check(
            _post(client, "/v1/objectives", body, **{"Idempotency-Key": idempotency_key}),
            idempotency_key,
        )
    return objectives


def kick_off(client: httpx.Client, quarter: Quarter, ana_id: str) -> str:
    """Activates the current cycle if still planning, then revises a target as the quarter runs;
    the moment just before the kick-off (read from the history on a later run)."""
    if _state(client, quarter.cycle_id) != "planning":
        return _before_kickoff(client, ana_id)
    moment = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
    kickoff = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    time.sleep((moment - datetime.now(UTC)).total_seconds() + 0.2)
    _advance(client, quarter.cycle_id, "active", f"{quarter.name} kick-off")
    ana = client.get(f"/v1/objectives/{ana_id}").json()
    revision = {
        "expected_version": ana["version"],
        "reason": "two sessions a week from the second month",
        "target": 20,
    }
    kr_id = ana["key_results"][0]["key_result_id"]
    _check(
        client.patch(f"/v1/objectives/{ana_id}/key-results/{kr_id}", json=revision), "a revision"
    )
    return kickoff


def _before_kickoff(client: httpx.Client, objective_id: str) -> str:
    """On a later run: the moment before the cycle began, read from an objective's history."""
    history = client.get(f"/v1/objectives/{objective_id}/history").json()
    created = datetime.fromisoformat(history[0]["recorded_at"]).astimezone(UTC)
    return (created + timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _item(check_in: CheckIn, objectives: dict[str, dict]) -> dict:
    key_results = objectives[check_in.objective]["key_results"]
    return {
        "idempotency_key": check_in.idempotency_key,
        "key_result_id": key_results[check_in.key_result]["key_result_id"],
        "value": check_in.value,
        "confidence": check_in.confidence,
        "note": {"progress": check_in.note, "plans": "", "problems": ""},
        "effective_at": check_in.effective_at,
    }


def load_check_ins(checkins_url: str, token: str, items: list[dict], corrected: str) -> None:
    """Feeds the check-ins (idempotent) once the check-in service knows the key results, and
    corrects the one keyed `corrected` if this run recorded it."""
    if not items:
        return
    with httpx.Client(
        base_url=checkins_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        for _ in range(60):
            r = _post(client, "/v1/integrations/check-ins", {"items": items})
            results = r.json()["items"] if r.status_code in (200, 207) else []
            if results and all(i["status"] != "rejected" for i in results):
                break
            time.sleep(1)
        else:
            raise SystemExit(f"check-ins not accepted: {r.status_code} {r.text}")
        for item, result in zip(items, results, strict=True):
            if item["idempotency_key"] == corrected and result["status"] == "recorded":
                correction = {
                    **item,
                    "value": item["value"] - 2,
                    "corrects": result["check_in_id"],
                    "reason": "the first figure counted test accounts",
                }
                correction.pop("idempotency_key")
                _check(_post(client, "/v1/corrections", correction), "a correction")


def main(
    goals_url: str,
    checkins_url: str | None = None,
    today: date | None = None,
    reviews_url: str | None = None,
    incentives_url: str | None = None,
) -> int:
    today = today or datetime.now(UTC).date()
    previous, current, upcoming = cycles_around(today)
    token = DevTokenIssuer(AuthSettings()).issue(TENANT, CEO, ("admin",), ttl_seconds=12 * 3600)
    with httpx.Client(
        base_url=goals_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        _check(
            _post(client, "/v1/directory/import", {"org_units": ORG_UNITS, "people": PEOPLE}),
            "the directory",
        )
        for quarter in (previous, current, upcoming):
            _check(_post(client, "/v1/cycles", quarter.as_cycle()), quarter.cycle_id)
        earlier = load_objectives(client, previous, PREVIOUS_OBJECTIVES)
        objectives = load_objectives(client, current, CURRENT_OBJECTIVES)
        if _state(client, previous.cycle_id) == "planning":
            _advance(client, previous.cycle_id, "active", f"{previous.name} kick-off")
        kickoff = kick_off(client, current, objectives["person-ana"]["objective_id"])
        if checkins_url:
            items = [_item(c, objectives) for c in check_ins(current, *CURRENT, today)]
            if _state(client, previous.cycle_id) != "closed":
                items += [_item(c, earlier) for c in check_ins(previous, *PREVIOUS, today)]
            objective, key_result, week = CORRECTED
            corrected = f"demo-{current.cycle_id}-{objective}-kr{key_result}-w{week}"
            load_check_ins(checkins_url, token, items, corrected)
            close(client, previous, earlier, objectives, reviews_url, incentives_url)
    print(token)
    print(kickoff)
    print(current.cycle_id)
    return 0


def close(
    client: httpx.Client,
    quarter: Quarter,
    objectives: dict[str, dict],
    following: dict[str, dict],
    reviews_url: str | None,
    incentives_url: str | None = None,
) -> None:
    """Moves a quarter gone by to grading, grades it through the review service (when given),
    rewards it through the incentive service (when given), then closes it."""
    if _state(client, quarter.cycle_id) == "active":
        _advance(client, quarter.cycle_id, "grading", f"{quarter.name} is over: grading opens")
    if _state(client, quarter.cycle_id) == "grading":
        if reviews_url:
            from demo_grading import grade

            grade(reviews_url, quarter.cycle_id, quarter.name, objectives, following)
        if reviews_url and incentives_url:
            from demo_incentives import reward

            reward(incentives_url, quarter.cycle_id, quarter.name, objectives)
        _advance(client, quarter.cycle_id, "closed", f"{quarter.name} graded and closed")


def parse_args(argv: list[str], now: datetime | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("goals_url", nargs="?", default="http://127.0.0.1:8001")
    parser.add_argument("checkins_url", nargs="?")
    parser.add_argument("reviews_url", nargs="?")
    parser.add_argument("incentives_url", nargs="?")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        help="the day to place the cycles around, YYYY-MM-DD (default: today in UTC)",
    )
    args = parser.parse_args(argv)
    if args.today and args.today > (now or datetime.now(UTC)).date():
        parser.error("--today must not be in the future: its check-ins would be refused")
    return args


if __name__ == "__main__":
    args = parse_args(sys.argv[1:])
    raise SystemExit(
        main(args.goals_url, args.checkins_url, args.today, args.reviews_url, args.incentives_url)
    )
