"""Score distributions and the grading view's unit filter in the projections: which objectives
count (visible, scored, in the unit's subtree), how they are grouped (unit, owner's manager,
commitment), an unknown unit, and the routes."""

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from okr_projections.http import create_http_app
from okr_projections.reviews.queries import GradingQueries
from okr_projections.settings import ProjectionsSettings
from okr_shared.distribution import ScoredObjective, distribution
from okr_shared.errors import NotFound
from okr_shared.identity import Principal, TokenVerifier
from okr_shared.settings import AuthSettings
from tests.support.memory_read_models import org_directory
from tests.support.review_events import GREEN, RED, YELLOW


def doc(objective_id, owner_type, owner_id, unit, score=None, band=None, commitment="committed"):
    review = None
    if score is not None:
        review = {
            "review_id": f"r-{objective_id}",
            "status": "open",
            "commitment": commitment,
            "score": score,
            "band": band,
            "key_results": {},
        }
    return {
        "objective_id": objective_id,
        "tenant_id": "acme",
        "cycle_id": "q1",
        "owner_type": owner_type,
        "owner_id": owner_id,
        "org_unit_id": unit,
        "commitment": commitment,
        "key_results": [],
        "review": review,
    }


DOCS = [
    doc("o1", "person", "ana", "emea", 0.9, GREEN),
    doc("o2", "person", "carl", "sales", 0.3, RED, "aspirational"),
    doc("o3", "org_unit", "ops", "ops", 0.6, YELLOW),
    doc("o4", "person", "bob", "ops", 0.5, YELLOW),
    doc("o5", "person", "ana", "emea"),
]
"""ana and carl report to mia, bob to ceo; o5 is not scored yet."""


class Objectives:
    """Objective queries over DOCS showing `visible` to everyone; record what they were asked."""

    def __init__(self, visible=("o1", "o2", "o3", "o4", "o5")):
        self.visible = visible
        self.directory = org_directory()
        self.asked = []

    async def objectives_list(self, principal, filters, limit, offset):
        self.asked.append((principal.actor_id, filters, limit, offset))
        units = filters.get("org_unit_id")
        return [
            d
            for d in DOCS
            if d["objective_id"] in self.visible
            and d["cycle_id"] == filters["cycle_id"]
            and (units is None or d["org_unit_id"] in units)
        ]


ANA = Principal("acme", "ana")


async def test_the_distribution_counts_scored_objectives_by_unit_manager_and_commitment():
    objectives = Objectives()
    result = await GradingQueries(objectives).score_distribution(ANA, "q1")
    expected = distribution(
        [
            ScoredObjective("o1", 0.9, "green", "committed", "emea", "mia"),
            ScoredObjective("o2", 0.3, "red", "aspirational", "sales", "mia"),
            ScoredObjective("o3", 0.6, "yellow", "committed", "ops", None),
            ScoredObjective("o4", 0.5, "yellow", "committed", "ops", "ceo"),
        ]
    )
    assert result == {"cycle_id": "q1", "org_unit_id": None, **expected}
    assert result["overall"] == {
        "count": 4,
        "mean": 0.575,
        "spread": 0.216506,
        "bands": {"red": 0.25, "yellow": 0.5, "green": 0.25},
    }
    assert list(result["by_manager"]) == ["", "ceo", "mia"]
    assert result["by_manager"]["mia"]["mean"] == 0.6
    assert result["by_org_unit"]["ops"]["count"] == 2
    assert result["by_commitment"]["aspirational"]["count"] == 1
    assert objectives.asked == [("ana", {"cycle_id": "q1"}, 0, 0)]


async def test_only_the_objectives_the_principal_may_see_count():
    result = await GradingQueries(Objectives(visible=("o3",))).score_distribution(ANA, "q1")
    assert result["overall"]["count"] == 1 and list(result["by_org_unit"]) == ["ops"]
    empty = await GradingQueries(Objectives(visible=())).score_distribution(ANA, "q2")
    assert empty["overall"] == {
        "count": 0,
        "mean": 0.0,
        "spread": 0.0,
        "bands": {"red": 0.0, "yellow": 0.0, "green": 0.0},
    }


async def test_a_unit_limits_the_distribution_and_the_grading_to_its_subtree():
    objectives = Objectives()
    grading = GradingQueries(objectives)
    spread = await grading.score_distribution(ANA, "q1", "sales")
    assert spread["org_unit_id"] == "sales" and spread["overall"]["count"] == 2
    assert set(spread["by_org_unit"]) == {"sales", "emea"}
    status = await grading.cycle_grading(ANA, "q1", "sales")
    assert status["org_unit_id"] == "sales"
    assert [o["objective_id"] for o in status["objectives"]] == ["o1", "o2", "o5"]
    assert objectives.asked[-1][1] == {"cycle_id": "q1", "org_unit_id": ["sales", "emea"]}
    whole = await grading.cycle_grading(ANA, "q1")
    assert whole["org_unit_id"] is None and whole["counts"]["objectives"] == 5


@pytest.mark.parametrize("asked", ["cycle_grading", "score_distribution"])
async def test_an_unknown_unit_is_not_found_and_no_objective_is_read(asked):
    objectives = Objectives()
    with pytest.raises(NotFound) as refused:
        await getattr(GradingQueries(objectives), asked)(ANA, "q1", "nowhere")
    assert (refused.value.what, refused.value.key) == ("org unit", "nowhere")
    other_tenant = Principal("beta", "ana")
    with pytest.raises(NotFound):
        await getattr(GradingQueries(objectives), asked)(other_tenant, "q1", "sales")
    assert objectives.asked == []


@pytest.fixture
def client():
    container = SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(reviews=GradingQueries(Objectives())),
    )
    return TestClient(create_http_app(container, consume=False))


def auth(issuer, actor="ana"):
    return {"Authorization": f"Bearer {issuer.issue('acme', actor)}"}


def test_the_distribution_route_answers_its_documented_model(client, issuer):
    r = client.get("/v1/cycles/q1/score-distribution?org_unit_id=ops", headers=auth(issuer))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["cycle_id"], body["org_unit_id"], body["overall"]["count"]) == ("q1", "ops", 2)
    assert body["by_manager"] == {
        "": {"count": 1, "mean": 0.6, "spread": 0.0, "bands": {"red": 0, "yellow": 1, "green": 0}},
        "ceo": {
            "count": 1,
            "mean": 0.5,
            "spread": 0.0,
            "bands": {"red": 0, "yellow": 1, "green": 0},
        },
    }


@pytest.mark.parametrize("path", ["grading", "score-distribution"])
def test_an_unknown_unit_is_404_naming_it_and_bad_parameters_are_422(client, issuer, path):
    r = client.get(f"/v1/cycles/q1/{path}?org_unit_id=nowhere", headers=auth(issuer))
    assert r.status_code == 404 and "org unit nowhere" in r.json()["detail"], r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    empty = client.get(f"/v1/cycles/q1/{path}?org_unit_id=", headers=auth(issuer))
    assert empty.status_code == 422 and empty.json()["errors"][0]["pointer"].endswith("org_unit_id")
    unknown = client.get(f"/v1/cycles/q1/{path}?unit=sales", headers=auth(issuer))
    assert unknown.status_code == 422
    assert client.get(f"/v1/cycles/q1/{path}").status_code == 401
    operation = client.get("/openapi.json").json()["paths"][f"/v1/cycles/{{cycle_id}}/{path}"]
    assert {"200", "401", "404", "422"} <= operation["get"]["responses"].keys()


def test_the_grading_route_filters_by_unit(client, issuer):
    r = client.get("/v1/cycles/q1/grading?org_unit_id=sales", headers=auth(issuer))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["org_unit_id"] == "sales"
    assert [o["objective_id"] for o in body["objectives"]] == ["o1", "o2", "o5"]
