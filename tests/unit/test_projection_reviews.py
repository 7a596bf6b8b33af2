"""Reviews in the projections: the folds of `okr.reviews.v1` into the review log and the view an
objective shows, duplicate and out-of-order tolerance, the score rollup and the grading status."""

import itertools
import uuid
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from okr_projections.bootstrap import build_projector
from okr_projections.consumer import build_broker
from okr_projections.cycles.tree import alignment_tree
from okr_projections.documents import UnprojectableEvent
from okr_projections.http import create_http_app
from okr_projections.objectives.domain import apply_event
from okr_projections.objectives.rollup import contribution, objective_rollup_score, rollups
from okr_projections.projector import skip
from okr_projections.reviews.domain import (
    NOT_PROJECTED,
    REVIEW_EVENTS,
    add_event,
    current_review,
    cycle_grading,
    grading_status,
)
from okr_projections.reviews.queries import GradingQueries
from okr_projections.settings import ProjectionsSettings
from okr_shared.contracts import default_registry
from okr_shared.contracts.vocabulary import latest_schemas
from okr_shared.identity import Principal, TokenVerifier
from okr_shared.progress import rollup_progress
from okr_shared.settings import AuthSettings, KafkaSettings
from tests.support.fake_stores import FakeStore
from tests.support.goal_events import created, kr, meta
from tests.support.review_events import (
    GREEN,
    RED,
    YELLOW,
    finalised,
    opened,
    review_id_of,
    review_meta,
    revised,
    scored,
)

TWO_KRS = (("k1", 0.5, "alice", 0.5), ("k2", 0.5, "bob", 0.3))


def log_of(*events):
    """The log after the (name, data, version) events, in the order given."""
    doc = None
    for name, data, version in events:
        doc = add_event(doc, name, data, review_meta(version, actor=f"actor{version}"))
    return doc


def full_history(objective_id="o1"):
    return [
        ("ReviewOpened", opened(objective_id, TWO_KRS), 1),
        ("KeyResultScored", scored(objective_id, "k1", "self", 0.6, 0.45, YELLOW), 2),
        ("SuggestionRevised", revised(objective_id, "k2", suggested=0.4, previous=0.3), 3),
        ("KeyResultScored", scored(objective_id, "k1", "manager", 0.8, 0.6, YELLOW), 4),
        (
            "ReviewFinalised",
            finalised(
                objective_id,
                (("k1", 0.8, "actor4", "manager"), ("k2", 0.4, None, "suggestion")),
                score=0.6,
                band=YELLOW,
            ),
            5,
        ),
    ]


def test_an_opened_review_shows_its_key_results_suggestions_and_no_score_yet():
    review = current_review(log_of(full_history()[0]), "q1")
    assert (review["status"], review["score"], review["band"], review["rule_version"]) == (
        "open",
        None,
        None,
        0,
    )
    assert review["review_id"] == review_id_of("o1") and review["commitment"] == "committed"
    k1, k2 = review["key_results"].values()
    assert (k1["suggested_score"], k1["score"], k1["kind"], k1["owner_id"]) == (
        0.5,
        None,
        "suggestion",
        "alice",
    )
    assert k2["suggested_score"] == 0.3


def test_open_then_scored_then_finalised_folds_scores_kinds_scorers_and_the_objective_score():
    history = full_history()
    scored_once = current_review(log_of(*history[:2]), "q1")
    k1 = scored_once["key_results"]["k1"]
    assert (k1["score"], k1["kind"], k1["scored_by"], k1["self_score"]) == (
        0.6,
        "self",
        "actor2",
        0.6,
    )
    assert (scored_once["score"], scored_once["band"]) == (0.45, YELLOW)

    before_final = current_review(log_of(*history[:4]), "q1")
    k1, k2 = before_final["key_results"].values()
    assert (k1["score"], k1["kind"], k1["self_score"], k1["manager_score"]) == (
        0.8,
        "manager",
        0.6,
        0.8,
    )
    assert (k2["suggested_score"], k2["score"]) == (0.4, None)

    final = current_review(log_of(*history), "q1")
    assert (final["status"], final["score"], final["band"], final["version"]) == (
        "finalised",
        0.6,
        YELLOW,
        5,
    )
    k1, k2 = final["key_results"].values()
    assert (k1["score"], k1["scored_by"], k1["kind"]) == (0.8, "actor4", "manager")
    assert (k2["score"], k2["kind"], k2["scored_by"]) == (0.4, "suggestion", None)


def test_a_correction_after_finalisation_moves_the_score_and_the_review_stays_finalised():
    correction = scored("o1", "k2", "correction", 0.9, 0.85, RED, suggested=0.4)
    review = current_review(log_of(*full_history(), ("KeyResultScored", correction, 6)), "q1")
    k2 = review["key_results"]["k2"]
    assert (review["status"], review["score"], review["band"]) == ("finalised", 0.85, RED)
    assert (k2["score"], k2["kind"], k2["self_score"], k2["manager_score"]) == (
        0.9,
        "correction",
        None,
        None,
    )


def test_a_duplicated_or_replayed_event_changes_nothing():
    history = full_history()
    once = log_of(*history)
    twice = log_of(*history, *history, history[2])
    assert twice["events"] == once["events"] and twice["rev"] == once["rev"] == 5
    assert current_review(twice, "q1") == current_review(once, "q1")


def test_a_score_arriving_before_its_review_opened_is_parked_then_counts():
    history = full_history()
    parked = log_of(history[1])
    assert current_review(parked, "q1") is None and parked["rev"] == 1
    review = current_review(log_of(history[1], history[0]), "q1")
    assert review["status"] == "open" and review["score"] == 0.45
    assert review["key_results"]["k1"]["score"] == 0.6


@pytest.mark.parametrize("order", list(itertools.permutations(range(5)))[::7])
def test_any_order_of_arrival_folds_to_the_same_review(order):
    history = full_history()
    in_order = current_review(log_of(*history), "q1")
    assert current_review(log_of(*(history[i] for i in order)), "q1") == in_order


def test_the_objective_shows_the_review_of_its_own_cycle():
    other = opened("o1", TWO_KRS, cycle_id="q2")
    log = log_of(("ReviewOpened", other, 1), ("ReviewOpened", opened("o1", TWO_KRS), 1))
    assert current_review(log, "q1")["cycle_id"] == "q1"
    assert current_review(log, "q2")["cycle_id"] == "q2"
    assert current_review(log, "elsewhere") is not None


def test_an_event_that_no_longer_folds_is_refused_and_a_key_result_id_must_name_a_field():
    broken = {k: v for k, v in scored("o1").items() if k != "objective_score"}
    with pytest.raises(KeyError):
        log_of(full_history()[0], ("KeyResultScored", broken, 2))
    with pytest.raises(UnprojectableEvent):
        log_of(("ReviewOpened", opened("o1", (("a.b", 1.0, None, 0.5),)), 1))


def rescored(objective_id, key_results, score, band, finalised=True, version=1):
    """`ReviewRescored`; key results as (id, suggested score, score, band)."""
    return {
        "review_id": review_id_of(objective_id),
        "cycle_id": "q1",
        "objective_id": objective_id,
        "previous_rule_version": 0,
        "rule_version": version,
        "key_results": [
            {"key_result_id": kr_id, "suggested_score": s, "score": sc, "band": b}
            for kr_id, s, sc, b in key_results
        ],
        "score": score,
        "band": band,
        "reason": "finer grades",
        "finalised": finalised,
    }


def test_the_rescored_builder_keeps_to_the_contract():
    kr_id, objective_id = str(uuid.uuid4()), str(uuid.uuid4())
    data = rescored(objective_id, ((kr_id, 0.75, 0.8, RED),), 0.55, RED)
    default_registry().validate("reviews", "ReviewRescored", 1, data)


def test_a_rescoring_after_finalisation_moves_rule_version_bands_and_scores_and_stays_final():
    adopted = rescored("o1", (("k1", 0.75, 0.8, RED), ("k2", 0.45, 0.45, RED)), 0.625, RED)
    review = current_review(log_of(*full_history(), ("ReviewRescored", adopted, 6)), "q1")
    assert (review["status"], review["rule_version"], review["score"], review["band"]) == (
        "finalised",
        1,
        0.625,
        RED,
    )
    k1, k2 = review["key_results"].values()
    assert (k1["score"], k1["band"], k1["kind"], k1["suggested_score"]) == (
        0.8,
        RED,
        "manager",
        0.75,
    )
    assert (k2["score"], k2["band"], k2["kind"], k2["suggested_score"]) == (
        0.45,
        RED,
        "suggestion",
        0.45,
    )


def test_a_rescoring_of_an_open_review_moves_suggestions_but_gives_no_unscored_key_result_a_score():
    history = full_history()[:2]
    adopted = rescored("o1", (("k1", 0.55, 0.6, GREEN), ("k2", 0.35, 0.35, RED)), 0.475, RED, False)
    review = current_review(log_of(*history, ("ReviewRescored", adopted, 3)), "q1")
    assert (review["status"], review["rule_version"], review["score"]) == ("open", 1, 0.475)
    k1, k2 = review["key_results"].values()
    assert (k1["score"], k1["band"], k1["suggested_score"]) == (0.6, GREEN, 0.55)
    assert (k2["score"], k2["band"], k2["suggested_score"]) == (None, None, 0.35)


def test_a_rescoring_is_held_once_and_parked_until_its_review_opened_in_any_order():
    adopted = ("ReviewRescored", rescored("o1", (("k1", 0.75, 0.8, RED),), 0.6, RED), 6)
    history = [*full_history(), adopted]
    in_order = log_of(*history)
    assert log_of(*history, adopted, history[0])["events"] == in_order["events"]
    parked = log_of(adopted)
    assert current_review(parked, "q1") is None and parked["rev"] == 1
    reversed_order = log_of(*reversed(history))
    assert current_review(reversed_order, "q1") == current_review(in_order, "q1")


# ---- score rollup


def test_the_score_rollup_is_none_while_nothing_below_is_scored():
    assert objective_rollup_score(None, []) is None
    assert objective_rollup_score(None, [contribution(0.5, 1.0)]) is None


def test_the_score_rollup_follows_the_progress_rule_and_leaves_out_unscored_children():
    children = [
        contribution(0.1, 0.5, 0.8),
        contribution(0.9, 0.5, None),
        contribution(0, 1.0, 0.2),
    ]
    expected = rollup_progress(0.6, [(0.8, 0.5), (0.2, 1.0)])
    assert objective_rollup_score(0.6, children) == pytest.approx(expected)
    assert objective_rollup_score(None, children) == pytest.approx(
        rollup_progress(None, [(0.8, 0.5), (0.2, 1.0)])
    )


def test_both_rollups_of_a_document_use_its_progress_and_its_review_score():
    doc = {"progress": 0.4, "review": {"score": 0.7}}
    values = rollups(doc, [contribution(1.0, 1.0, 0.5)])
    assert values == {
        "rollup_progress": pytest.approx(rollup_progress(0.4, [(1.0, 1.0)])),
        "rollup_score": pytest.approx(rollup_progress(0.7, [(0.5, 1.0)])),
    }
    assert rollups({"progress": None}, [])["rollup_score"] is None


# ---- grading status


def objective_doc(objective_id="o1", review_log=None, **fields):
    doc = apply_event(
        None,
        "ObjectiveCreated",
        created(objective_id, key_results=[kr("k1", owner_id="alice"), kr("k2")], **fields),
        meta(1),
    )
    doc["review"] = current_review(review_log, doc["cycle_id"])
    return doc


def test_an_objective_without_a_review_is_not_opened_and_misses_every_self_score():
    status = grading_status(objective_doc())
    assert (status["status"], status["review_id"], status["missing_self_score"]) == (
        "not_opened",
        None,
        ["k1", "k2"],
    )
    assert status["counts"] == {
        "key_results": 2,
        "self_scored": 0,
        "manager_scored": 0,
        "missing_self_score": 2,
    }


def test_grading_status_says_which_key_results_are_scored_by_self_and_manager():
    history = full_history()
    status = grading_status(objective_doc(review_log=log_of(*history[:4])))
    assert status["status"] == "open" and status["score"] == 0.6
    k1, k2 = status["key_results"]
    assert (k1["self_scored"], k1["manager_scored"], k2["self_scored"]) == (True, True, False)
    assert status["missing_self_score"] == ["k2"]
    assert status["counts"] == {
        "key_results": 2,
        "self_scored": 1,
        "manager_scored": 1,
        "missing_self_score": 1,
    }


def test_a_cycles_grading_counts_objectives_by_status_and_missing_self_scores():
    docs = [
        objective_doc("o1", review_log=log_of(*full_history("o1"))),
        objective_doc("o2", review_log=log_of(*full_history("o2")[:2])),
        objective_doc("o3"),
    ]
    grading = cycle_grading("q1", docs)
    assert [o["status"] for o in grading["objectives"]] == ["finalised", "open", "not_opened"]
    assert grading["counts"] == {
        "objectives": 3,
        "not_opened": 1,
        "open": 1,
        "finalised": 1,
        "key_results": 6,
        "missing_self_score": 1 + 1 + 2,
    }


class VisibleObjectives:
    """Objective queries that show only what `visible` says the principal may see."""

    def __init__(self, docs, visible):
        self.docs, self.visible, self.asked = docs, visible, []

    async def objectives_list(self, principal, filters, limit, offset):
        self.asked.append((principal.actor_id, filters, limit, offset))
        return [d for d in self.docs if d["objective_id"] in self.visible[principal.actor_id]]


async def test_the_grading_view_lists_only_the_objectives_the_objective_queries_show():
    docs = [objective_doc("o1"), objective_doc("o2")]
    objectives = VisibleObjectives(docs, {"alice": {"o1"}, "root": {"o1", "o2"}})
    grading = GradingQueries(objectives)
    mine = await grading.cycle_grading(Principal("acme", "alice"), "q1")
    every = await grading.cycle_grading(Principal("acme", "root", ("admin",)), "q1")
    assert [o["objective_id"] for o in mine["objectives"]] == ["o1"]
    assert [o["objective_id"] for o in every["objectives"]] == ["o1", "o2"]
    assert objectives.asked[0] == ("alice", {"cycle_id": "q1"}, 0, 0)


# ---- wiring


def test_the_dispatch_folds_every_review_event_and_skips_the_others_explicitly():
    stores = [FakeStore() for _ in range(4)]
    with_reviews = build_projector(*stores, reviews=FakeStore(), grading_due=FakeStore())
    assert {
        "ScoringRulesSet",
        "CalibrationSessionOpened",
        "ScoreCalibrated",
        "CalibrationSessionClosed",
        "RetrospectiveWritten",
        "RetrospectiveRevised",
    } == NOT_PROJECTED
    assert set(latest_schemas("reviews")) <= with_reviews.handlers.keys()
    assert {
        "ReviewOpened",
        "SuggestionRevised",
        "KeyResultScored",
        "ReviewFinalised",
        "ReviewRescored",
    } == REVIEW_EVENTS
    assert all(with_reviews.handlers[name] is skip for name in NOT_PROJECTED)
    assert all(with_reviews.handlers[name] is not skip for name in REVIEW_EVENTS)
    assert not REVIEW_EVENTS & build_projector(*stores).handlers.keys()


def test_the_broker_also_subscribes_to_the_namespaced_reviews_topic_in_the_same_group():
    kafka = KafkaSettings(bootstrap_servers="localhost:9092", topic_namespace="ns1")
    broker = build_broker(kafka, None, default_registry(), "unit-projections")
    topics = sorted(t.name for s in broker.subscribers for t in s.topics)
    assert topics == [
        "ns1.okr.checkins.v1",
        "ns1.okr.goals.v1",
        "ns1.okr.incentives.v1",
        "ns1.okr.reviews.v1",
    ]
    assert {s.group_id for s in broker.subscribers} == {"unit-projections"}


def test_a_graded_tree_node_shows_score_band_and_score_rollup():
    doc = objective_doc(review_log=log_of(*full_history()[:2]))
    doc["rollup_score"] = 0.45
    (node,) = alignment_tree([doc])
    assert (node["score"], node["band"], node["rollup_score"]) == (0.45, YELLOW, 0.45)
    (plain,) = alignment_tree([objective_doc()])
    assert "score" not in plain


class GradingStub:
    async def cycle_grading(self, principal, cycle_id, org_unit_id=None):
        return cycle_grading(cycle_id, [objective_doc(review_log=log_of(*full_history()[:2]))])


def test_the_grading_route_answers_its_documented_model(issuer):
    stub = GradingStub()
    container = SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(reviews=stub),
    )
    client = TestClient(create_http_app(container, consume=False))
    r = client.get(
        "/v1/cycles/q1/grading", headers={"Authorization": f"Bearer {issuer.issue('acme', 'al')}"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["cycle_id"] == "q1" and body["counts"]["open"] == 1
    assert body["objectives"][0]["key_results"][0]["self_scored"] is True
    assert client.get("/v1/cycles/q1/grading").status_code == 401
    responses = client.get("/openapi.json").json()["paths"]["/v1/cycles/{cycle_id}/grading"]["get"]
    assert {"200", "401", "422"} <= responses["responses"].keys()
