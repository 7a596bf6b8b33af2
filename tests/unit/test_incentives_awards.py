"""Awards of a small organisation under a policy, against numbers computed by hand; evidence
that recomputes to the award; corrections compensate, never edit; duplicates change nothing."""

import copy

import pytest

from okr_incentives.awards.commands import BindPolicy, Simulate
from okr_incentives.awards.domain import CycleAwards, compute_award, plan
from okr_incentives.bootstrap import build_handlers
from okr_incentives.policies.commands import SetRewardPolicy
from okr_incentives.policies.domain import check_policy
from okr_incentives.store import IncentivesStore
from okr_shared.errors import Conflict, Forbidden, InvalidField, NotFound
from tests.support.incentives import ADMIN, CYCLE, POLICY, POPO, SmallOrg, caller, oid


def bound_org(policy=POLICY, correct_first=None):
    """The small organisation finalised, with `policy` bound as version 1 of `bonus`."""
    org = SmallOrg()
    org.learn_directory()
    org.finalise()
    if correct_first:
        org.correct(*correct_first)
    org.policies.set_policy(SetRewardPolicy("bonus", policy, "house rules"), ADMIN)
    org.awards.bind(BindPolicy(CYCLE, "bonus", 1, "Q1 bonus"), ADMIN)
    return org


def award_of(org, person):
    return org.awards.awards_of("acme", CYCLE).awards.get(person)


def test_compute_award_weighs_objectives_by_level_and_commitment():
    inputs = {
        "person_id": "dev",
        "cycle_id": CYCLE,
        "org_unit_id": "web",
        "active_at_finalisation": True,
        "finalised_at": "2026-04-05T09:00:00+00:00",
        "days_in_cycle": 90,
        "cycle_days": 90,
        "objectives": [
            {
                "objective_id": "o1",
                "review_id": "r1",
                "level": "individual",
                "commitment": "aspirational",
                "score": 0.8,
            },
            {
                "objective_id": "o2",
                "review_id": "r2",
                "level": "team",
                "commitment": "committed",
                "score": 0.5,
            },
        ],
        "unit_requested": 280,
        "cycle_requested": 390,
    }
    award = compute_award(check_policy(POLICY), inputs)
    # (0.8 x 1 + 0.5 x 1.5 x 2) / (1 + 3) = 0.575: the middle band, 100 points, multiplier 1.0;
    # web asked for 280 points with a budget of 210: 100 x 210 / 280 = 75.
    assert award == {
        "eligible": True,
        "reasons": [],
        "score": 0.575,
        "band": 1,
        "requested_points": 100,
        "points": 75,
        "multiplier": 1.0,
    }
    assert compute_award(check_policy(POLICY), inputs) == award


def test_binding_grants_every_eligible_person_exactly_the_hand_computed_award():
    org = bound_org()
    got = {
        person: (found["entries"][0]["points"], found["entries"][0]["multiplier"])
        for person, found in org.awards.awards_of("acme", CYCLE).awards.items()
    }
    # vps 0.7 -> 200, capped at 180; rep 0.3 -> 0; lead 0.9 -> 180 (cap), dev 0.575 -> 100;
    # web asks 280 > budget 210: lead 180 x 210/280 = 135, dev 100 x 210/280 = 75.
    # gone left before finalisation, new was in the company 17 of 90 days (< 30): no award.
    assert got == {"vps": (180, 1.5), "rep": (0, 0.0), "lead": (135, 1.5), "dev": (75, 1.0)}


def test_the_cycle_cap_scales_every_award_down_after_unit_budgets():
    org = bound_org({**POLICY, "caps": {"per_person": 180, "per_cycle": 300}})
    awarded = org.awards.awards_of("acme", CYCLE).awards.items()
    points = {p: f["entries"][0]["points"] for p, f in awarded}
    # 390 points asked after unit budgets, cap 300: vps 180 x 300/390 = 138.46 -> 138,
    # lead 135 -> 103.8 -> 103, dev 75 -> 57.7 -> 57.
    assert points == {"vps": 138, "rep": 0, "lead": 103, "dev": 57}
    assert sum(points.values()) <= 300


def test_a_dry_run_shows_people_and_units_and_stores_nothing():
    org = SmallOrg()
    org.learn_directory()
    org.finalise()
    org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "draft"), ADMIN)
    before = org.stored()
    result = org.awards.simulate(Simulate("bonus", CYCLE), ADMIN)
    assert org.stored() == before
    assert result["finalised"] and result["points"] == 390
    people = {p["person_id"]: p for p in result["people"]}
    assert people["new"]["reasons"] == ["too-few-days-in-cycle"]
    assert people["gone"]["reasons"] == ["not-active-at-finalisation"]
    assert people["dev"]["points"] == 75 and people["dev"]["score"] == 0.575
    units = {u["org_unit_id"]: u for u in result["units"]}
    assert units["web"] == {
        "org_unit_id": "web",
        "budget": 210,
        "people": 3,
        "eligible": 2,
        "requested_points": 280,
        "points": 210,
    }
    with pytest.raises(Forbidden):
        org.awards.simulate(Simulate("bonus", CYCLE), caller("dev"))
    assert (
        org.awards.simulate(Simulate("bonus", CYCLE), caller("audit", "auditor"))["points"] == 390
    )


def test_a_policy_is_bound_only_once_every_graded_objective_has_a_finalised_review():
    org = SmallOrg()
    org.learn_directory()
    org.finalise("vps-growth", "dev-checkout")
    org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "house rules"), ADMIN)
    before = org.stored()
    with pytest.raises(Conflict) as refused:
        org.awards.bind(BindPolicy(CYCLE, "bonus", 1, "too early"), ADMIN)
    assert refused.value.field == "path:cycle_id" and refused.value.status == 409
    assert org.stored() == before


@pytest.mark.parametrize(
    "command, who, error, field",
    [
        (BindPolicy(CYCLE, "bonus", 1, "go"), caller("dev"), Forbidden, "#"),
        (BindPolicy(CYCLE, "nope", 1, "go"), ADMIN, InvalidField, "#/policy_id"),
        (BindPolicy(CYCLE, "bonus", 2, "go"), ADMIN, InvalidField, "#/policy_version"),
        (BindPolicy(CYCLE, "bonus", 1, "  "), ADMIN, InvalidField, "#/reason"),
        (BindPolicy("2030-Q1", "bonus", 1, "go"), ADMIN, NotFound, None),
    ],
)
def test_a_bad_binding_is_refused_and_nothing_is_stored(command, who, error, field):
    org = SmallOrg()
    org.learn_directory()
    org.finalise()
    org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "house rules"), ADMIN)
    before = org.stored()
    with pytest.raises(error) as refused:
        org.awards.bind(command, who)
    assert getattr(refused.value, "field", None) == field
    assert org.stored() == before


def test_binding_again_changes_nothing_and_another_version_is_refused():
    org = bound_org()
    before = org.stored()
    org.awards.bind(BindPolicy(CYCLE, "bonus", 1, "again"), ADMIN)
    assert org.stored() == before
    org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "v2"), ADMIN)
    with pytest.raises(Conflict) as refused:
        org.awards.bind(BindPolicy(CYCLE, "bonus", 2, "switch"), ADMIN)
    assert refused.value.field == "#/policy_id"


def published_reviews(org):
    """The review events the service was given, by event id."""
    return {e.id: e for e in org.delivered if e.schema_context == "reviews"}


def objective_scores_from(evidence, reviews):
    """Each review's standing score, read from the evidence's events alone, in sequence order."""
    scores = {}
    for item in sorted(evidence, key=lambda e: (e["review_id"], e["sequence"])):
        event = reviews[item["event_id"]]
        assert (event.type, event.sequence) == (item["type"], item["sequence"])
        assert event.data["review_id"] == item["review_id"]
        field = "score" if event.schema_name == "ReviewFinalised" else "objective_score"
        scores[item["review_id"]] = event.data[field]
    return scores


def test_the_evidence_names_the_exact_review_events_and_recomputes_to_the_award():
    org = bound_org()
    dev = award_of(org, "dev")
    chain = org.awards.evidence(caller("dev"), dev["award_id"])
    (entry,) = chain["entries"]
    assert {e["event_id"] for e in entry["evidence"]} == {
        org.finals["dev-checkout"].id,
        org.finals["dev-latency"].id,
    }
    assert {e["type"] for e in entry["evidence"]} == {"okr.reviews.ReviewFinalised"}
    from_events = objective_scores_from(entry["evidence"], published_reviews(org))
    assert from_events == {o["review_id"]: o["score"] for o in entry["inputs"]["objectives"]}
    policy = org.policies.policy(ADMIN, chain["policy_id"], chain["policy_version"])
    rules = {k: v for k, v in policy.items() if k not in ("policy_id", "version")}
    again = compute_award(rules, entry["inputs"])
    assert (
        (again["points"], again["multiplier"])
        == (entry["points"], entry["multiplier"])
        == (
            75,
            1.0,
        )
    )
    assert entry["matches"] and chain["policy_version"] == 1


def test_a_correction_after_binding_records_one_compensating_entry_with_its_reason():
    org = bound_org()
    correction = org.correct("dev-latency", 0.8)
    entries = award_of(org, "dev")["entries"]
    assert [e["kind"] for e in entries] == ["granted", "adjusted"]
    adjusted = entries[1]
    # dev's score (0.8 x 1 + 0.8 x 3) / 4 = 0.8: 200 points capped at 180, web's totals as
    # bound (280 asked, 210 budget): 180 x 210/280 = 135, so +60 points and +0.5 multiplier.
    assert (adjusted["points"], adjusted["multiplier"]) == (60, 0.5)
    assert adjusted["previous"] == {"points": 75, "multiplier": 1.0}
    assert adjusted["source_event_id"] == correction.id
    assert adjusted["reason"] == "the survey was miscounted"
    assert correction.id in {e["event_id"] for e in adjusted["evidence"]}
    assert entries[0]["points"] == 75
    ledger = org.awards.ledger(caller("dev"), "dev")
    assert ledger["balance"] == {"points": 135}
    assert ledger["cycles"][0]["multiplier"] == 1.5
    chain = org.awards.evidence(ADMIN, award_of(org, "dev")["award_id"])
    assert [e["matches"] for e in chain["entries"]] == [True, True]
    others = {p: len(f["entries"]) for p, f in org.awards.awards_of("acme", CYCLE).awards.items()}
    assert others == {"vps": 1, "rep": 1, "lead": 1, "dev": 2}


def test_a_correction_before_binding_is_part_of_the_grant():
    org = bound_org(correct_first=("dev-latency", 0.8))
    (entry,) = award_of(org, "dev")["entries"]
    assert entry["points"] == 180 * 210 // 360  # web now asks 180 + 180 = 360
    assert {e["type"] for e in entry["evidence"]} == {
        "okr.reviews.ReviewFinalised",
        "okr.reviews.KeyResultScored",
    }


def test_a_score_event_delivered_twice_changes_nothing():
    org = bound_org()
    correction = org.correct("dev-latency", 0.8)
    before = org.stored()
    org.deliver(correction, org.finals["dev-latency"], org.finals["lead-uptime"])
    assert org.stored() == before
    assert org.awards.ledger(ADMIN, "dev")["balance"] == {"points": 135}


def test_review_events_the_service_does_not_use_are_ignored():
    org = bound_org()
    before = org.stored()
    org.deliver(org.feed.opened("dev-checkout", "aspirational"))
    org.deliver(org.feed.scored("dev-checkout", 0.1, kind="self", reason=None))
    assert org.stored() == before
    assert org.service.knowledge.review("acme", oid("review/dev-checkout"))["score"] == 0.8


def test_a_finalisation_learned_after_binding_compensates_the_award():
    org = SmallOrg()
    org.learn_directory()
    org.finalise()
    late = org.feed.objective("dev-late", "dev", "team", "committed", status="draft")
    org.deliver(late)
    org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "house rules"), ADMIN)
    org.awards.bind(BindPolicy(CYCLE, "bonus", 1, "Q1 bonus"), ADMIN)
    finalised = org.feed.finalised("dev-late", "committed", 1.0)
    org.deliver(finalised)
    entries = award_of(org, "dev")["entries"]
    # (0.8 x 1 + 0.5 x 3 + 1.0 x 3) / 7 = 0.757: the top band, 180 after the cap, 135 after web's
    # budget as bound: +60 points, linked to the late finalisation.
    assert [(e["kind"], e["points"]) for e in entries] == [("granted", 75), ("adjusted", 60)]
    assert entries[1]["source_event_id"] == finalised.id
    assert entries[1]["reason"] == "calibration done"
    before = org.stored()
    org.deliver(org.feed.scored("dev-late", 1.0))
    assert org.stored() == before


def test_only_the_person_managers_above_admins_and_auditors_see_a_ledger():
    org = bound_org()
    for who in (caller("dev"), caller("lead"), caller("ceo"), ADMIN, caller("a", "auditor")):
        assert org.awards.ledger(who, "dev")["balance"] == {"points": 75}
    for who in (caller("rep"), caller("new"), caller("lead", tenant="other")):
        with pytest.raises(Forbidden):
            org.awards.ledger(who, "dev")
    other = org.awards.ledger(caller("dev", tenant="other"), "dev")
    assert other["balance"] == {"points": 0} and other["entries"] == []
    with pytest.raises(NotFound):
        org.awards.evidence(caller("rep"), award_of(org, "dev")["award_id"])
    with pytest.raises(NotFound):
        org.awards.evidence(caller("dev", tenant="other"), award_of(org, "dev")["award_id"])


def test_replaying_the_service_events_into_a_fresh_store_gives_the_same_balances():
    org = bound_org()
    org.correct("dev-latency", 0.8)
    org.correct("rep-deals", 0.5)
    events = [
        org.store.mapper.to_domain_event(n)
        for n in org.store.recorder.select_notifications(0, 10_000)
    ]
    fresh = IncentivesStore(env=POPO)
    fresh.save(*events)
    replayed = build_handlers(fresh, org.service.knowledge.store, org.clock)
    for person in ("vps", "rep", "lead", "dev", "new", "gone"):
        assert replayed.awards.ledger(ADMIN, person) == org.awards.ledger(ADMIN, person)
    balances = {p: org.awards.ledger(ADMIN, p)["balance"]["points"] for p in ("rep", "dev")}
    # rep 0.5: 100 points, multiplier 1.0 (sales has no budget).
    assert balances == {"rep": 100, "dev": 135}


def test_plan_totals_are_what_each_award_was_scaled_with():
    policy = check_policy(POLICY)
    org = bound_org()
    awards = org.awards.awards_of("acme", CYCLE)
    inputs = [copy.deepcopy(f["entries"][0]["inputs"]) for f in awards.awards.values()]
    assert {i["unit_requested"] for i in inputs if i["org_unit_id"] == "web"} == {280}
    assert {i["cycle_requested"] for i in inputs} == {390}
    assert isinstance(awards, CycleAwards)
    replanned = {i["person_id"]: a["points"] for i, a in plan(policy, inputs)}
    assert replanned == {"vps": 180, "rep": 0, "lead": 135, "dev": 75}
