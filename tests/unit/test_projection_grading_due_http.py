"""`GET /v1/people/{person_id}/grading-due`: who may read a person's open grading, how it is
served; and how the projector routes reminders, scores and finalisation to the read model."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from okr_projections.bootstrap import build_projector
from okr_projections.grading_due.queries import GradingDueQueries
from okr_projections.http import create_http_app
from okr_projections.objectives.visibility import Reader
from okr_projections.projector import chained
from okr_projections.settings import ProjectionsSettings
from okr_projections.store import Folded
from okr_shared.identity import Principal, TokenVerifier
from okr_shared.settings import AuthSettings
from tests.support.review_events import review_meta, scored

ITEM = {
    "_id": "acme:r1:E1:owner",
    "tenant_id": "acme",
    "review_id": "r1",
    "person_id": "E1",
    "role": "owner",
    "key_result_ids": ["k1", "k2"],
    "open_key_result_ids": ["k2"],
    "status": "overdue",
    "due_by": datetime(2026, 4, 15, 9, tzinfo=UTC),
}


class Store:
    """The read model's store, recording what it is asked."""

    def __init__(self):
        self.asked = []

    async def open_for(self, tenant_id, person_id, limit, offset):
        self.asked.append((tenant_id, person_id, limit, offset))
        return [ITEM] if person_id == "E1" else []

    async def apply_reminder(self, event_type, data, meta):
        self.asked.append(("reminder", event_type))
        return True

    async def apply_score(self, event_type, data, meta):
        self.asked.append(("score", event_type))
        return False


class Directory:
    """Every caller reads as E1's manager `boss`, else as themselves."""

    async def reader(self, principal):
        if principal.actor_id == "boss":
            return Reader("boss", reports=frozenset({"E1"}))
        return Reader(principal.actor_id, is_admin="admin" in principal.roles)


@pytest.fixture
def client(issuer):
    store = Store()
    queries = GradingDueQueries(store, Directory())
    container = SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(grading_due=queries),
    )
    http = TestClient(create_http_app(container, consume=False))
    return (
        http,
        store,
        lambda who, *roles: {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"},
    )


def test_a_persons_open_grading_is_served_as_a_page_with_iso_dates(client):
    http, store, as_person = client
    r = http.get("/v1/people/E1/grading-due", params={"limit": 5}, headers=as_person("E1"))
    assert r.status_code == 200
    assert r.json() == {
        "person_id": "E1",
        "limit": 5,
        "offset": 0,
        "items": [
            {
                "tenant_id": "acme",
                "review_id": "r1",
                "person_id": "E1",
                "role": "owner",
                "key_result_ids": ["k1", "k2"],
                "open_key_result_ids": ["k2"],
                "status": "overdue",
                "due_by": "2026-04-15T09:00:00+00:00",
            }
        ],
    }
    assert store.asked == [("acme", "E1", 5, 0)]


@pytest.mark.parametrize("who, roles", [("boss", ()), ("root", ("admin",))])
def test_their_managers_and_admins_see_it_too(client, who, roles):
    http, _, as_person = client
    r = http.get("/v1/people/E1/grading-due", headers=as_person(who, *roles))
    assert r.status_code == 200 and len(r.json()["items"]) == 1


def test_anyone_else_is_refused_with_a_403_problem_and_nothing_is_read(client):
    http, store, as_person = client
    r = http.get("/v1/people/E1/grading-due", headers=as_person("peer"))
    assert r.status_code == 403 and r.json()["type"].endswith("/forbidden")
    assert store.asked == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}])
def test_a_bad_page_is_a_422_problem_and_nothing_is_read(client, params):
    http, store, as_person = client
    r = http.get("/v1/people/E1/grading-due", params=params, headers=as_person("E1"))
    assert r.status_code == 422 and store.asked == []


def test_the_route_documents_its_403():
    container = SimpleNamespace(
        settings=ProjectionsSettings(), verifier=TokenVerifier(AuthSettings()), queries=None
    )
    spec = create_http_app(container, consume=False).openapi()
    assert "403" in spec["paths"]["/v1/people/{person_id}/grading-due"]["get"]["responses"]


async def test_without_the_read_model_nobody_owes_grading():
    queries = GradingDueQueries(None, Directory())
    assert await queries.grading_due(Principal("acme", "E1", frozenset()), "E1", 10, 0) == []


class Reviews:
    """The review log store, recording what it folds."""

    def __init__(self):
        self.applied = []

    async def apply(self, event_type, data, meta):
        self.applied.append(event_type)
        return Folded(True, {"rev": 1, "events": []})


class Objectives:
    async def get(self, tenant_id, objective_id):
        return None


async def test_the_projector_folds_reminders_and_lets_scores_reach_both_read_models():
    grading, reviews = Store(), Reviews()
    stores = (Objectives(), None, None, None)
    projector = build_projector(*stores, reviews=reviews, grading_due=grading)
    meta = review_meta(3)
    assert await projector.project("GradingDue", {}, meta)
    assert await projector.project("GradingOverdue", {}, meta)
    assert await projector.project("KeyResultScored", scored("o1"), meta)
    assert await projector.project("ReviewFinalised", {"objective_id": "o1"}, meta)
    assert grading.asked == [
        ("reminder", "GradingDue"),
        ("reminder", "GradingOverdue"),
        ("score", "KeyResultScored"),
        ("score", "ReviewFinalised"),
    ]
    assert reviews.applied == ["KeyResultScored", "ReviewFinalised"]
    assert grading in list(projector.read_models)


async def test_without_the_read_model_grading_reminders_are_no_read_models_events():
    projector = build_projector(Objectives(), None, None, None, reviews=Reviews())
    assert "GradingDue" not in projector.handlers


async def test_a_chained_handler_runs_every_handler_and_says_whether_any_changed():
    calls = []

    async def changed(event_type, data, meta):
        calls.append("changed")
        return True

    async def unchanged(event_type, data, meta):
        calls.append("unchanged")
        return False

    assert await chained(changed, unchanged)("E", {}, {}) is True
    assert await chained(unchanged, unchanged)("E", {}, {}) is False
    assert calls == ["changed", "unchanged", "unchanged", "unchanged"]
