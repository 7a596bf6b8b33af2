"""Rewards in the projections: award entries folded once in any order, policies and bindings kept
once; a person's rewards, budgets used per unit and the fairness report against numbers computed
by hand; who may see them; the routes; and a decision for every incentive event."""

import itertools
import math
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from okr_projections.bootstrap import build_projector
from okr_projections.directory.queries import DirectoryQueries
from okr_projections.http import create_http_app
from okr_projections.projector import skip
from okr_projections.rewards.domain import fold_entry, outliers, predicted_points, stats
from okr_projections.rewards.queries import RewardQueries
from okr_projections.rewards.store import BINDINGS, POLICIES, RECORDS, RewardStore
from okr_projections.settings import ProjectionsSettings
from okr_shared.contracts import default_registry
from okr_shared.contracts.vocabulary import latest_schemas
from okr_shared.errors import Forbidden, NotFound
from okr_shared.identity import Principal, TokenVerifier
from okr_shared.settings import AuthSettings
from tests.support.memory_read_models import MemoryCollection, MemoryOrgUnits, MemoryPeople

NOW = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
CYCLE = "2026-Q1"
UNITS = {"acme": None, "sales": "acme", "web": "acme", "ops": "acme"}
PEOPLE = {
    "ceo": ("acme", None),
    "vps": ("sales", "ceo"),
    "rep": ("sales", "vps"),
    "lead": ("web", "ceo"),
    "dev": ("web", "lead"),
    "olga": ("ops", "ceo"),
    "omar": ("ops", "olga"),
}
POLICY = {
    "policy_id": "bonus",
    "version": 1,
    "bands": [
        {"from": 0.0, "to": 0.4, "points": 0, "multiplier": 0.0},
        {"from": 0.4, "to": 0.7, "points": 100, "multiplier": 1.0},
        {"from": 0.7, "to": 1.0, "points": 200, "multiplier": 1.5},
    ],
    "level_factors": {"company": 1, "department": 2, "team": 1.5, "individual": 1},
    "commitment_factors": {"committed": 2, "aspirational": 1},
    "eligibility": {"min_days_in_cycle": 30, "levels": ["department", "team", "individual"]},
    "caps": {"per_person": 180, "per_cycle": None},
    "budgets": {"web": 210},
    "reason": "house rules",
}
BOUND = {"cycle_id": CYCLE, "policy_id": "bonus", "policy_version": 1, "reason": "Q1 bonus"}
# person: unit, score, points, multiplier, objectives (level, commitment).
AWARDS = {
    "vps": ("sales", 0.7, 180, 1.5, [("department", "committed")]),
    "rep": ("sales", 0.3, 0, 0.0, [("individual", "aspirational")]),
    "lead": ("web", 0.9, 135, 1.5, [("team", "committed")]),
    "dev": ("web", 0.575, 75, 1.0, [("individual", "aspirational"), ("team", "committed")]),
    "olga": ("ops", 0.5, 100, 1.0, [("individual", "committed")]),
    "omar": ("ops", 0.6, 100, 1.0, [("team", "aspirational")]),
}


def oid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"okr-test/{name}"))


def inputs(person, unit, objectives, score):
    return {
        "person_id": person,
        "cycle_id": CYCLE,
        "org_unit_id": unit,
        "active_at_finalisation": True,
        "finalised_at": "2026-04-05T09:00:00Z",
        "days_in_cycle": 90,
        "cycle_days": 90,
        "objectives": [
            {
                "objective_id": oid(f"{person}/{i}"),
                "review_id": oid(f"review/{person}/{i}"),
                "level": level,
                "commitment": commitment,
                "score": score,
            }
            for i, (level, commitment) in enumerate(objectives)
        ],
        "unit_requested": 0,
        "cycle_requested": 0,
    }


def granted(person):
    unit, score, points, multiplier, objectives = AWARDS[person]
    return {
        "award_id": oid(f"award/{person}"),
        "person_id": person,
        "cycle_id": CYCLE,
        "policy_id": "bonus",
        "policy_version": 1,
        "points": points,
        "multiplier": multiplier,
        "score": score,
        "badges": [],
        "inputs": inputs(person, unit, objectives, score),
        "evidence": [
            {
                "event_id": oid(f"event/{person}"),
                "type": "okr.reviews.ReviewFinalised",
                "sequence": 4,
                "review_id": oid(f"review/{person}/0"),
            }
        ],
    }


def adjusted(person, points, multiplier, score):
    unit, _, _, _, objectives = AWARDS[person]
    return {
        "adjustment_id": oid(f"adjustment/{person}/{points}"),
        "award_id": oid(f"award/{person}"),
        "person_id": person,
        "cycle_id": CYCLE,
        "policy_id": "bonus",
        "policy_version": 1,
        "points": points,
        "multiplier": multiplier,
        "score": score,
        "previous": {"points": AWARDS[person][2], "multiplier": AWARDS[person][3]},
        "inputs": inputs(person, unit, objectives, score),
        "evidence": [],
        "source_event_id": oid(f"correction/{person}"),
        "reason": "the survey was miscounted",
    }


def meta(version, tenant="acme"):
    return {
        "tenant_id": tenant,
        "actor_id": "ceo",
        "version": version,
        "event_id": f"e{version}",
        "time": NOW,
    }


def cycle_events():
    """The cycle stream as the incentive service publishes it: binding, then the grants."""
    events = [("PolicyBoundToCycle", BOUND)]
    events += [("AwardGranted", granted(p)) for p in sorted(AWARDS)]
    return [(name, data, meta(i + 2)) for i, (name, data) in enumerate(events)]


def memory_store():
    client = {"db": {RECORDS: MemoryCollection(), BINDINGS: MemoryCollection()}}
    client["db"][POLICIES] = MemoryCollection()
    return RewardStore(client, "db"), client["db"]


def projector_over(store):
    fakes = [SimpleNamespace(ensure_indexes=None) for _ in range(4)]
    return build_projector(*fakes, rewards=store)


async def projected(*extra):
    """The store after the policy, the cycle's stream and `extra` (name, data, version)."""
    store, collections = memory_store()
    projector = projector_over(store)
    await projector.project("RewardPolicySet", POLICY, meta(1))
    for name, data, m in cycle_events():
        await projector.project(name, data, m)
    for name, data, version in extra:
        await projector.project(name, data, meta(version))
    return store, collections, projector


def queries(store):
    return RewardQueries(store, DirectoryQueries(MemoryOrgUnits(UNITS), MemoryPeople(PEOPLE)))


def test_the_test_events_are_valid_under_their_contracts():
    registry = default_registry()
    registry.validate("incentives", "RewardPolicySet", 1, POLICY)
    for name, data, _ in cycle_events():
        registry.validate("incentives", name, 1, data)
    registry.validate("incentives", "AwardAdjusted", 1, adjusted("dev", 60, 0.5, 0.8))


# ---- the fold


def test_an_entry_is_kept_once_whatever_the_order_and_however_often_it_arrives():
    events = [
        ("AwardGranted", granted("dev"), meta(5)),
        ("AwardAdjusted", adjusted("dev", 60, 0.5, 0.8), meta(9)),
        ("AwardAdjusted", adjusted("dev", -35, -0.5, 0.6), meta(12)),
    ]
    results = set()
    for order in itertools.permutations(events + events[:1]):
        doc = None
        for name, data, m in order:
            doc = fold_entry(doc, name, data, m)
        results.add(tuple((e["entry_id"], e["points"]) for e in doc["entries"]))
        assert [e["sequence"] for e in doc["entries"]] == [5, 9, 12]
    assert len(results) == 1
    with pytest.raises(ValueError):
        fold_entry(None, "PolicyBoundToCycle", BOUND, meta(2))


async def test_redelivered_events_change_nothing_and_are_not_written():
    store, collections, projector = await projected()
    writes = {name: c.writes for name, c in collections.items()}
    changed = [await projector.project(name, data, m) for name, data, m in cycle_events()]
    assert not any(changed)
    assert not await projector.project("RewardPolicySet", POLICY, meta(1))
    assert {name: c.writes for name, c in collections.items()} == writes


async def test_awards_arriving_before_their_policy_and_binding_still_count():
    store, _ = memory_store()
    projector = projector_over(store)
    for name, data, m in reversed(cycle_events()):
        await projector.project(name, data, m)
    admin = Principal("acme", "ceo", ("admin",))
    early = await queries(store).budgets(admin, CYCLE)
    assert early["policy_known"] is False and early["bound"] is True
    assert {u["org_unit_id"]: u["used"] for u in early["units"]} == {
        "ops": 200,
        "sales": 180,
        "web": 210,
    }
    await projector.project("RewardPolicySet", POLICY, meta(1))
    later = await queries(store).budgets(admin, CYCLE)
    assert later["policy_known"] and later["units"][-1]["budget"] == 210


# ---- a person's rewards and budgets


async def test_a_persons_rewards_are_their_entries_and_the_balance_their_sum():
    store, _, _ = await projected(("AwardAdjusted", adjusted("dev", 60, 0.5, 0.8), 9))
    rewards = await queries(store).person_rewards(Principal("acme", "dev"), "dev")
    (cycle,) = rewards["cycles"]
    assert [(e["kind"], e["points"]) for e in cycle["entries"]] == [
        ("granted", 75),
        ("adjusted", 60),
    ]
    assert (cycle["points"], cycle["multiplier"]) == (135, 1.5)
    assert rewards["balance"] == {"points": 135}
    assert cycle["entries"][1]["at"] == NOW.isoformat()


@pytest.mark.parametrize(
    "actor, roles, allowed",
    [
        ("dev", (), True),
        ("lead", (), True),
        ("ceo", (), True),
        ("audit", ("auditor",), True),
        ("root", ("admin",), True),
        ("rep", (), False),
        ("olga", ("leader",), False),
        ("omar", ("manager",), False),
    ],
)
async def test_a_persons_rewards_are_for_them_those_above_admins_and_auditors(
    actor, roles, allowed
):
    store, _, _ = await projected()
    asked = queries(store).person_rewards(Principal("acme", actor, roles), "dev")
    if allowed:
        assert (await asked)["balance"] == {"points": 75}
    else:
        with pytest.raises(Forbidden):
            await asked


async def test_another_tenant_reads_none_of_the_rewards():
    store, _, _ = await projected()
    foreign = Principal("globex", "root", ("admin",))
    assert (await queries(store).person_rewards(foreign, "dev"))["cycles"] == []
    with pytest.raises(NotFound):
        await queries(store).budgets(foreign, CYCLE)


async def test_budgets_used_per_unit_with_corrections_above_budget():
    store, _, _ = await projected(("AwardAdjusted", adjusted("dev", 60, 0.5, 0.8), 9))
    answer = await queries(store).budgets(Principal("acme", "root", ("admin",)), CYCLE)
    assert (answer["policy_id"], answer["policy_version"], answer["bound"]) == ("bonus", 1, True)
    # web: granted 135 + 75 = 210 (its budget), then dev's correction +60: 60 above budget.
    assert answer["units"] == [
        {
            "org_unit_id": "ops",
            "budget": None,
            "people": 2,
            "granted": 200,
            "adjusted": 0,
            "used": 200,
            "remaining": None,
        },
        {
            "org_unit_id": "sales",
            "budget": None,
            "people": 2,
            "granted": 180,
            "adjusted": 0,
            "used": 180,
            "remaining": None,
        },
        {
            "org_unit_id": "web",
            "budget": 210,
            "people": 2,
            "granted": 210,
            "adjusted": 60,
            "used": 270,
            "remaining": -60,
        },
    ]


@pytest.mark.parametrize(
    "actor, roles, units",
    [
        ("root", ("admin",), ["ops", "sales", "web"]),
        ("audit", ("auditor",), ["ops", "sales", "web"]),
        ("ceo", ("leader",), ["ops", "sales", "web"]),
        ("lead", ("leader",), ["web"]),
        ("lead", (), None),
        ("ceo", ("manager",), None),
    ],
)
async def test_budgets_and_fairness_are_for_admins_auditors_and_leaders_over_their_units(
    actor, roles, units
):
    store, _, _ = await projected()
    principal = Principal("acme", actor, roles)
    if units is None:
        with pytest.raises(Forbidden):
            await queries(store).budgets(principal, CYCLE)
        with pytest.raises(Forbidden):
            await queries(store).fairness(principal, CYCLE)
        return
    budgets = await queries(store).budgets(principal, CYCLE)
    assert [u["org_unit_id"] for u in budgets["units"]] == units
    fairness = await queries(store).fairness(principal, CYCLE)
    assert [g["key"] for g in fairness["by_org_unit"]] == units


async def test_an_unknown_cycle_has_no_budgets_or_fairness():
    store, _, _ = await projected()
    admin = Principal("acme", "root", ("admin",))
    with pytest.raises(NotFound):
        await queries(store).budgets(admin, "2030-Q1")
    with pytest.raises(NotFound):
        await queries(store).fairness(admin, "2030-Q1")


# ---- fairness


def test_predicted_points_are_the_band_points_of_the_score_cut_to_the_cap():
    assert [predicted_points(POLICY, s) for s in (0.3, 0.4, 0.575, 0.7, 0.9, 1.0)] == [
        0,
        100,
        100,
        180,
        180,
        180,
    ]
    assert predicted_points(POLICY, None) == 0
    assert predicted_points(None, 0.5) is None


def test_stats_are_exact_count_mean_and_population_spread():
    assert stats([0, 75, 100]) == {
        "count": 3,
        "mean": 58.333333,
        "spread": round(math.sqrt(16250) / 3, 6),
        "min": 0.0,
        "max": 100.0,
    }
    assert stats([]) == {"count": 0, "mean": None, "spread": None, "min": None, "max": None}


async def test_the_fairness_report_against_numbers_computed_by_hand():
    store, _, _ = await projected()
    report = await queries(store).fairness(Principal("acme", "audit", ("auditor",)), CYCLE)
    assert report["people"] == 6 and report["threshold"] == 0.2
    units = {g["key"]: g for g in report["by_org_unit"]}
    # ops 100, 100; sales 180, 0; web 135, 75.
    assert [units[u]["points"]["mean"] for u in ("ops", "sales", "web")] == [100, 90, 105]
    assert [units[u]["points"]["spread"] for u in ("ops", "sales", "web")] == [0, 90, 30]
    assert units["sales"]["multiplier"] == {
        "count": 2,
        "mean": 0.75,
        "spread": 0.75,
        "min": 0.0,
        "max": 1.5,
    }
    levels = {g["key"]: g["points"] for g in report["by_level"]}
    # department: vps 180; individual: rep 0, dev 75, olga 100; team: lead 135, dev 75, omar 100.
    assert {k: (v["count"], v["mean"]) for k, v in levels.items()} == {
        "department": (1, 180),
        "individual": (3, 58.333333),
        "team": (3, 103.333333),
    }
    commitments = {g["key"]: g["points"]["mean"] for g in report["by_commitment"]}
    # committed: vps 180, lead 135, dev 75, olga 100; aspirational: rep 0, dev 75, omar 100.
    assert commitments == {"aspirational": 58.333333, "committed": 122.5}
    managers = {g["key"]: (g["points"]["count"], g["points"]["mean"]) for g in report["by_manager"]}
    assert managers == {
        "ceo": (3, 138.333333),
        "lead": (1, 75),
        "olga": (1, 100),
        "vps": (1, 0),
    }
    # Predicted (band points, cap 180): sales 180 + 0, web 180 + 100, ops 100 + 100.
    # web: 210 / 280 = 0.75 against the rest's (180 + 200) / (180 + 200) = 1: -25 % -> below.
    # sales: 1 against (210 + 200) / (280 + 200) = 0.854167: +17.07 % -> not flagged;
    # ops: 1 against (180 + 210) / (180 + 280) = 0.847826: +17.95 % -> not flagged.
    comparison = {
        u["org_unit_id"]: (u["ratio"], u["rest_ratio"], u["deviation"], u["flag"])
        for u in report["units"]
    }
    assert comparison == {
        "ops": (1.0, 0.847826, 0.179487, None),
        "sales": (1.0, 0.854167, 0.170732, None),
        "web": (0.75, 1.0, -0.25, "below"),
    }
    assert [u["org_unit_id"] for u in report["outliers"]] == ["web"]


async def test_a_lower_threshold_flags_more_units_and_a_higher_one_none():
    store, _, _ = await projected()
    admin = Principal("acme", "root", ("admin",))
    low = await queries(store).fairness(admin, CYCLE, threshold=0.1)
    assert [(u["org_unit_id"], u["flag"]) for u in low["outliers"]] == [
        ("ops", "above"),
        ("sales", "above"),
        ("web", "below"),
    ]
    assert (await queries(store).fairness(admin, CYCLE, threshold=0.3))["outliers"] == []


def test_no_unit_is_compared_alone_or_without_predicted_points():
    one = [{"org_unit_id": "web", "points": 10, "predicted": 100}]
    assert outliers(one)[0]["flag"] is None and outliers(one)[0]["deviation"] is None
    nothing = [
        {"org_unit_id": "web", "points": 0, "predicted": 0},
        {"org_unit_id": "ops", "points": 50, "predicted": 100},
    ]
    assert [u["flag"] for u in outliers(nothing)] == [None, None]
    unknown = [{"org_unit_id": "web", "points": 0, "predicted": None}]
    assert outliers(unknown) == []


# ---- wiring and routes


def test_every_incentive_event_has_a_decision_and_exports_are_skipped():
    store, _ = memory_store()
    fakes = [SimpleNamespace(ensure_indexes=None) for _ in range(4)]
    projector = build_projector(*fakes, rewards=store, recognition=SimpleNamespace())
    assert set(latest_schemas("incentives")) <= projector.handlers.keys()
    assert projector.handlers["PayrollExported"] is skip
    for name in ("RewardPolicySet", "PolicyBoundToCycle", "AwardGranted", "AwardAdjusted"):
        assert projector.handlers[name] is not skip
    fakes = [SimpleNamespace() for _ in range(4)]
    assert "AwardGranted" not in build_projector(*fakes).handlers


@pytest.fixture
async def client():
    store, _, _ = await projected(("AwardAdjusted", adjusted("dev", 60, 0.5, 0.8), 9))
    container = SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(rewards=queries(store)),
    )
    return TestClient(create_http_app(container, consume=False))


def auth(issuer, actor, *roles, tenant="acme"):
    return {"Authorization": f"Bearer {issuer.issue(tenant, actor, roles)}"}


def test_the_three_routes_answer_by_the_rules(client, issuer):
    r = client.get("/v1/people/dev/rewards", headers=auth(issuer, "lead"))
    assert r.status_code == 200 and r.json()["balance"] == {"points": 135}, r.text
    r = client.get("/v1/people/dev/rewards", headers=auth(issuer, "rep"))
    assert r.status_code == 403 and r.json()["errors"][0]["pointer"] == "path:person_id"
    r = client.get(f"/v1/cycles/{CYCLE}/budgets", headers=auth(issuer, "lead", "leader"))
    assert r.status_code == 200 and [u["remaining"] for u in r.json()["units"]] == [-60], r.text
    r = client.get(f"/v1/cycles/{CYCLE}/fairness", headers=auth(issuer, "audit", "auditor"))
    assert r.status_code == 200, r.text
    assert r.json()["people"] == 6
    assert (
        client.get(f"/v1/cycles/{CYCLE}/fairness", headers=auth(issuer, "dev")).status_code == 403
    )
    r = client.get("/v1/cycles/2030-Q1/budgets", headers=auth(issuer, "root", "admin"))
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem")
    r = client.get(
        f"/v1/cycles/{CYCLE}/fairness",
        params={"threshold": 0},
        headers=auth(issuer, "root", "admin"),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"] == "query:threshold"
