"""Ambition history in the projections: the fold of finalisations and corrections into records,
its tolerance of duplicates, replays and early arrival, the exact history arithmetic, who may see
whose history, and the two routes."""

import itertools
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from okr_projections.ambition.domain import (
    fold,
    follows,
    history,
    may_see_person_history,
    may_see_unit_history,
    summary,
    with_owner,
)
from okr_projections.ambition.projector import AmbitionProjector
from okr_projections.ambition.queries import AmbitionQueries
from okr_projections.ambition.store import AmbitionStore
from okr_projections.http import create_http_app
from okr_projections.settings import ProjectionsSettings
from okr_shared.identity import Principal, TokenVerifier
from okr_shared.settings import AuthSettings
from tests.support.memory_read_models import MemoryCollection, memory_client, org_directory
from tests.support.review_events import (
    GREEN,
    RED,
    finalised,
    opened,
    review_id_of,
    review_meta,
    scored,
)

ANA = {"owner_type": "person", "owner_id": "ana", "org_unit_id": "emea"}
EMEA = {"owner_type": "org_unit", "owner_id": "emea", "org_unit_id": "emea"}
BOB = {"owner_type": "person", "owner_id": "bob", "org_unit_id": "ops"}


def final(objective_id, score, commitment="committed", cycle_id="q1"):
    """`ReviewFinalised` of the objective's review in the cycle."""
    return {
        **finalised(objective_id, score=score, band=GREEN if score >= 0.7 else RED),
        "cycle_id": cycle_id,
        "review_id": review_id_of(objective_id, cycle_id),
        "commitment": commitment,
    }


def correction(objective_id, objective_score, cycle_id="q1"):
    return scored(
        objective_id, "k1", "correction", objective_score, objective_score, GREEN, cycle_id
    )


def record_of(*events, owner=None):
    """The record after the (name, data, version) events, in the order given."""
    doc = None
    for name, data, version in events:
        doc = fold(doc, name, data, review_meta(version), owner)
    return doc


# ---- the fold


def test_a_finalisation_keeps_score_commitment_and_owner():
    record = record_of(("ReviewFinalised", final("o1", 0.8, "aspirational"), 5), owner=ANA)
    assert (record["finalised"], record["score"], record["commitment"]) == (
        True,
        0.8,
        "aspirational",
    )
    assert (record["owner_id"], record["org_unit_id"], record["cycle_id"]) == ("ana", "emea", "q1")
    assert record["_id"] == "acme:o1:q1"


def test_a_correction_after_finalisation_moves_the_final_score_to_the_objectives_new_score():
    record = record_of(
        ("ReviewFinalised", final("o1", 0.8), 5),
        ("KeyResultScored", correction("o1", 0.9), 6),
        ("KeyResultScored", correction("o1", 0.4), 7),
    )
    assert (record["score"], record["score_version"], record["finalised"]) == (0.4, 7, True)


def test_only_finalisations_and_corrections_set_a_final_score():
    assert follows("ReviewFinalised", final("o1", 1.0))
    assert follows("KeyResultScored", correction("o1", 1.0))
    assert not follows("KeyResultScored", scored("o1", kind="self"))
    assert not follows("KeyResultScored", scored("o1", kind="manager"))
    assert not follows("ReviewOpened", opened("o1"))
    with pytest.raises(ValueError):
        record_of(("KeyResultScored", scored("o1", kind="manager"), 3))


def test_a_duplicated_or_replayed_event_changes_nothing():
    events = [("ReviewFinalised", final("o1", 0.8), 5), ("KeyResultScored", correction("o1", 1), 6)]
    once = record_of(*events, owner=ANA)
    assert record_of(*events, *events, events[0], owner=ANA) == once


@pytest.mark.parametrize(
    "order",
    list(
        itertools.permutations(
            [
                ("ReviewFinalised", final("o1", 0.8), 5),
                ("KeyResultScored", correction("o1", 0.9), 6),
                ("KeyResultScored", correction("o1", 0.3), 7),
            ]
        )
    ),
)
def test_any_order_of_arrival_ends_at_the_highest_versions_score(order):
    record = record_of(*order)
    assert (record["finalised"], record["score"], record["commitment"]) == (True, 0.3, "committed")


def test_a_correction_arriving_before_its_finalisation_counts_only_once_it_is_final():
    early = record_of(("KeyResultScored", correction("o1", 0.9), 6))
    assert early["finalised"] is False and summary([early])["count"] == 0
    late = fold(early, "ReviewFinalised", final("o1", 0.8), review_meta(5))
    assert (late["finalised"], late["score"]) == (True, 0.9)
    assert summary([late])["mean_score"] == 0.9


def test_the_owner_at_finalisation_stays_when_the_objective_changes_hands_later():
    record = record_of(("ReviewFinalised", final("o1", 0.8), 5))
    assert record["owner_known"] is False and record["owner_id"] is None
    owned = with_owner(record, ANA)
    assert (owned["owner_id"], owned["owner_known"]) == ("ana", True)
    assert with_owner(owned, BOB) == owned
    corrected = fold(owned, "KeyResultScored", correction("o1", 0.5), review_meta(6), BOB)
    assert corrected["owner_id"] == "ana"


# ---- the arithmetic


def records(*items):
    """Finalised records of (cycle, commitment, score)."""
    return [{"finalised": True, "cycle_id": c, "commitment": k, "score": s} for c, k, s in items]


def test_the_summary_counts_perfect_aspirational_and_missed_committed_scores_exactly():
    found = records(
        ("q1", "aspirational", 1.0),
        ("q1", "aspirational", 1),
        ("q1", "aspirational", 0.7),
        ("q1", "committed", 1.0),
        ("q1", "committed", 0.1),
        ("q1", "committed", 0.2),
    )
    assert summary(found) == {
        "count": 6,
        "mean_score": 0.666667,
        "aspirational": {"count": 3, "perfect": 2, "perfect_share": 0.666667},
        "committed": {"count": 3, "missed": 2, "missed_share": 0.666667},
    }


def test_the_mean_is_exact_where_floats_would_drift():
    found = records(("q1", "committed", 0.1343642), ("q1", "committed", 0.5384788))
    assert round(sum(r["score"] for r in found) / 2, 6) == 0.336422
    assert summary(found)["mean_score"] == 0.336421


def test_an_empty_summary_has_no_mean_and_no_shares_and_unfinalised_records_do_not_count():
    assert summary([]) == {
        "count": 0,
        "mean_score": None,
        "aspirational": {"count": 0, "perfect": 0, "perfect_share": None},
        "committed": {"count": 0, "missed": 0, "missed_share": None},
    }
    pending = {"finalised": False, "cycle_id": "q1", "commitment": "committed", "score": 0.2}
    assert summary([pending])["count"] == 0
    only_committed = summary(records(("q1", "committed", 1.0)))
    assert only_committed["aspirational"]["perfect_share"] is None
    assert only_committed["committed"]["missed_share"] == 0.0


CYCLES = {
    "q1": {"cycle_id": "q1", "name": "Q1 2026", "starts_on": "2026-01-01", "ends_on": "2026-03-31"},
    "q2": {"cycle_id": "q2", "name": "Q2 2026", "starts_on": "2026-04-01", "ends_on": "2026-06-30"},
    "q0": None,
}


def test_the_history_lists_cycles_by_start_with_names_and_dates_and_unknown_cycles_last():
    found = records(
        ("q2", "committed", 0.5),
        ("q0", "aspirational", 1.0),
        ("q1", "committed", 1.0),
        ("q1", "aspirational", 1.0),
    )
    result = history(found, CYCLES)
    assert [(c["cycle_id"], c["name"], c["starts_on"]) for c in result["cycles"]] == [
        ("q1", "Q1 2026", "2026-01-01"),
        ("q2", "Q2 2026", "2026-04-01"),
        ("q0", None, None),
    ]
    assert [c["count"] for c in result["cycles"]] == [2, 1, 1]
    assert result["cycles"][1]["committed"] == {"count": 1, "missed": 1, "missed_share": 1.0}
    assert result["overall"]["count"] == 4 and result["overall"]["mean_score"] == 0.875
    assert history([], CYCLES) == {"cycles": [], "overall": summary([])}


# ---- who may see whose history


async def reader(actor, *roles, tenant="acme"):
    return await org_directory().reader(Principal(tenant, actor, roles))


PERSON_CASES = [
    ("ana", (), True),
    ("mia", (), True),
    ("ceo", (), True),
    ("lea", ("leader",), True),
    ("root", ("admin",), True),
    ("audit", ("auditor",), True),
    ("lea", (), False),
    ("lea", ("manager",), False),
    ("carl", (), False),
    ("bob", (), False),
    ("olga", ("leader",), False),
    ("feed", ("integration",), False),
]


@pytest.mark.parametrize(("actor", "roles", "allowed"), PERSON_CASES)
async def test_a_persons_history_is_for_them_those_above_leaders_of_their_unit_or_above(
    actor, roles, allowed
):
    ana = await org_directory().person(Principal("acme", "x"), "ana")
    assert may_see_person_history(await reader(actor, *roles), ana) is allowed


UNIT_CASES = [
    ("mia", ("leader",), "sales", True),
    ("mia", ("leader",), "emea", True),
    ("mia", ("manager",), "sales", False),
    ("ceo", ("leader",), "sales", True),
    ("lea", ("leader",), "emea", True),
    ("root", ("admin",), "ops", True),
    ("audit", ("auditor",), "ops", True),
    ("mia", (), "sales", False),
    ("carl", ("member",), "sales", False),
    ("ana", ("manager",), "sales", False),
    ("olga", ("leader",), "sales", False),
    ("mia", ("leader",), "ops", False),
]


@pytest.mark.parametrize(("actor", "roles", "unit", "allowed"), UNIT_CASES)
async def test_a_units_history_is_for_its_leaders_or_above_admins_and_auditors(
    actor, roles, unit, allowed
):
    assert may_see_unit_history(await reader(actor, *roles), unit) is allowed


# ---- the projector over an in-memory store


class Objectives:
    def __init__(self, docs=None):
        self.docs = docs or {}

    async def get(self, tenant_id, objective_id):
        doc = self.docs.get(objective_id)
        return doc if doc is not None and doc["tenant_id"] == tenant_id else None


def objective(objective_id, owner, cycle_id="q1", tenant="acme"):
    return {"objective_id": objective_id, "tenant_id": tenant, "cycle_id": cycle_id, **owner}


def projector_over(objectives):
    collection = MemoryCollection()
    store = AmbitionStore(memory_client(collection), "db")
    return AmbitionProjector(store, objectives), store, collection


async def test_a_finalisation_takes_the_owner_from_the_objective_and_a_redelivery_writes_nothing():
    projector, store, collection = projector_over(Objectives({"o1": objective("o1", ANA)}))
    event = ("ReviewFinalised", final("o1", 0.8), review_meta(5))
    assert await projector.project(*event) is True
    assert await projector.project(*event) is False
    assert collection.writes == 1
    record = await store.get("acme", "o1", "q1")
    assert (record["owner_id"], record["org_unit_id"], record["score"]) == ("ana", "emea", 0.8)
    assert await projector.project("KeyResultScored", correction("o1", 0.9), review_meta(6))
    assert (await store.get("acme", "o1", "q1"))["score"] == 0.9
    assert [r["objective_id"] for r in await store.of_person("acme", "ana")] == ["o1"]


async def test_other_review_events_make_no_record():
    projector, _, collection = projector_over(Objectives({"o1": objective("o1", ANA)}))
    assert await projector.project("ReviewOpened", opened("o1"), review_meta(1)) is False
    assert await projector.project("KeyResultScored", scored("o1"), review_meta(2)) is False
    assert collection.docs == {}


async def test_an_objective_projected_after_its_finalisation_gives_the_record_its_owner_once():
    objectives = Objectives()
    projector, store, _ = projector_over(objectives)
    await projector.project("ReviewFinalised", final("o1", 1.0), review_meta(5))
    assert await store.of_person("acme", "ana") == []
    assert (
        await projector.objective_seen(
            "ObjectiveCreated", {"objective_id": "o1"}, {"tenant_id": "acme"}
        )
        is False
    )
    objectives.docs["o1"] = objective("o1", ANA)
    seen = ("ObjectiveCreated", {"objective_id": "o1"}, {"tenant_id": "acme"})
    assert await projector.objective_seen(*seen) is True
    assert await projector.objective_seen(*seen) is False
    objectives.docs["o1"] = objective("o1", BOB)
    assert await projector.objective_seen(*seen) is False
    assert [r["owner_id"] for r in await store.of_units("acme", ["emea"])] == ["ana"]
    assert await store.of_person("acme", "bob") == []


async def test_a_record_of_another_tenant_is_not_found_and_an_objective_elsewhere_gives_no_owner():
    projector, store, _ = projector_over(Objectives({"o1": objective("o1", ANA, tenant="beta")}))
    await projector.project("ReviewFinalised", final("o1", 1.0), review_meta(5))
    assert (await store.get("acme", "o1", "q1"))["owner_known"] is False
    assert await store.get("beta", "o1", "q1") is None
    assert await store.of_person("beta", "ana") == []


async def test_the_ambition_projector_follows_the_handlers_already_there_in_order():
    calls = []

    async def review(event_type, data, meta):
        calls.append(("review", event_type))
        return False

    projector, _, _ = projector_over(Objectives({"o1": objective("o1", ANA)}))
    handlers = projector.following({"ReviewFinalised": review, "ReviewOpened": review})
    assert handlers["ReviewOpened"] is review
    assert await handlers["ReviewFinalised"]("ReviewFinalised", final("o1", 1), review_meta(5))
    assert calls == [("review", "ReviewFinalised")]
    assert "ObjectiveCreated" in handlers and "KeyResultScored" in handlers


# ---- the routes


class Cycles:
    async def get(self, tenant_id, cycle_id):
        return CYCLES.get(cycle_id) if tenant_id == "acme" else None


async def ambition_queries():
    store = AmbitionStore(memory_client(MemoryCollection()), "db")
    history_of = [
        ("o1", ANA, final("o1", 1.0, "aspirational")),
        ("o2", ANA, final("o2", 0.7)),
        ("o3", ANA, final("o3", 0.6, "aspirational", "q2")),
        ("o4", ANA, final("o4", 1.0, cycle_id="q2")),
        ("o8", ANA, final("o8", 1.0, cycle_id="q2")),
        ("o7", ANA, final("o7", 0.3, cycle_id="q0")),
        ("o5", EMEA, final("o5", 1.0)),
        ("o6", BOB, final("o6", 1.0, "aspirational")),
    ]
    for _, owner, data in history_of:
        await store.apply("ReviewFinalised", data, review_meta(5), owner)
    await store.apply("KeyResultScored", correction("o4", 0.9, "q2"), review_meta(6))
    return AmbitionQueries(store, Cycles(), org_directory())


@pytest.fixture
async def client():
    queries = await ambition_queries()
    container = SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(ambition=queries),
    )
    return TestClient(create_http_app(container, consume=False))


def auth(issuer, actor, *roles, tenant="acme"):
    return {"Authorization": f"Bearer {issuer.issue(tenant, actor, roles)}"}


def test_a_persons_history_per_cycle_and_overall(client, issuer):
    r = client.get("/v1/people/ana/ambition", headers=auth(issuer, "ana"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["person_id"] == "ana"
    q1, q2, q0 = body["cycles"]
    assert (q1["cycle_id"], q1["name"], q1["ends_on"], q1["count"], q1["mean_score"]) == (
        "q1",
        "Q1 2026",
        "2026-03-31",
        2,
        0.85,
    )
    assert q1["aspirational"] == {"count": 1, "perfect": 1, "perfect_share": 1.0}
    assert (q2["count"], q2["mean_score"]) == (3, 0.833333)
    assert q2["committed"] == {"count": 2, "missed": 1, "missed_share": 0.5}
    assert (q0["cycle_id"], q0["name"], q0["aspirational"]["perfect_share"]) == ("q0", None, None)
    assert body["overall"] == {
        "count": 6,
        "mean_score": 0.75,
        "aspirational": {"count": 2, "perfect": 1, "perfect_share": 0.5},
        "committed": {"count": 4, "missed": 3, "missed_share": 0.75},
    }


@pytest.mark.parametrize(("actor", "roles", "allowed"), PERSON_CASES)
def test_the_person_route_answers_200_or_403_by_the_rules(client, issuer, actor, roles, allowed):
    r = client.get("/v1/people/ana/ambition", headers=auth(issuer, actor, *roles))
    assert r.status_code == (200 if allowed else 403), r.text
    if not allowed:
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"][0]["pointer"] == "#/person_id"


def test_an_unknown_or_foreign_person_or_unit_is_404_naming_it(client, issuer):
    for path, named in (
        ("/v1/people/zed/ambition", "person zed"),
        ("/v1/org-units/nowhere/ambition", "org unit nowhere"),
    ):
        r = client.get(path, headers=auth(issuer, "root", "admin"))
        assert r.status_code == 404 and named in r.json()["detail"], r.text
    foreign = client.get(
        "/v1/people/ana/ambition", headers=auth(issuer, "root", "admin", tenant="beta")
    )
    assert foreign.status_code == 404
    assert (
        client.get(
            "/v1/org-units/sales/ambition", headers=auth(issuer, "root", "admin", tenant="beta")
        ).status_code
        == 404
    )


def test_a_units_history_covers_its_sub_units_and_their_people_and_nothing_else(client, issuer):
    r = client.get("/v1/org-units/sales/ambition", headers=auth(issuer, "mia", "leader"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["org_unit_ids"] == ["sales", "emea"]
    assert body["overall"]["count"] == 7
    assert [c["count"] for c in body["cycles"]] == [3, 3, 1]
    ops = client.get("/v1/org-units/ops/ambition", headers=auth(issuer, "audit", "auditor")).json()
    assert ops["overall"]["count"] == 1 and ops["overall"]["aspirational"]["perfect_share"] == 1.0


@pytest.mark.parametrize(("actor", "roles", "unit", "allowed"), UNIT_CASES)
def test_the_unit_route_answers_200_or_403_by_the_rules(
    client, issuer, actor, roles, unit, allowed
):
    r = client.get(f"/v1/org-units/{unit}/ambition", headers=auth(issuer, actor, *roles))
    assert r.status_code == (200 if allowed else 403), r.text


def test_bad_input_and_no_token_are_refused_and_the_statuses_are_documented(client, issuer):
    headers = auth(issuer, "ana")
    r = client.get("/v1/people/ana/ambition?cycle_id=q1", headers=headers)
    assert r.status_code == 422 and r.json()["errors"][0]["pointer"].endswith("cycle_id")
    assert client.get(f"/v1/people/{'x' * 201}/ambition", headers=headers).status_code == 422
    assert client.get("/v1/people/ana/ambition").status_code == 401
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/people/{person_id}/ambition", "/v1/org-units/{org_unit_id}/ambition"):
        assert {"200", "401", "403", "404", "422"} <= paths[path]["get"]["responses"].keys()
