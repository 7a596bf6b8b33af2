"""Recognition read models in the projections: the fold of kudos, nominations, decisions and
badges (duplicates change nothing), a person's recognition and a team's wall filtered by who may
read each goal, paging newest first, the routes, and a decision for every incentive event."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from okr_projections.bootstrap import build_projector
from okr_projections.http import create_http_app
from okr_projections.objectives.visibility import can_read
from okr_projections.projector import skip
from okr_projections.recognition.domain import INCENTIVE_EVENTS, RECOGNITION_EVENTS
from okr_projections.recognition.projector import RecognitionProjector
from okr_projections.recognition.queries import RecognitionQueries
from okr_projections.recognition.store import RecognitionStore
from okr_projections.settings import ProjectionsSettings
from okr_shared.contracts import default_registry
from okr_shared.errors import NotFound
from okr_shared.identity import Principal, TokenVerifier
from okr_shared.settings import AuthSettings
from tests.support.memory_read_models import (
    PEOPLE,
    MemoryCollection,
    MemoryPeople,
    memory_client,
    org_directory,
)

T0 = datetime(2026, 2, 2, 9, tzinfo=UTC)
PUBLIC = "0b7ad2b8-3a8a-4c4c-9d4e-000000000001"
PRIVATE = "0b7ad2b8-3a8a-4c4c-9d4e-000000000002"
OPS = "0b7ad2b8-3a8a-4c4c-9d4e-000000000003"
OBJECTIVES = {
    PUBLIC: ("person", "ana", "emea", "public"),
    PRIVATE: ("person", "ana", "emea", "private"),
    OPS: ("person", "bob", "ops", "public"),
}


def objective_doc(objective_id, tenant="acme"):
    owner_type, owner, unit, visibility = OBJECTIVES[objective_id]
    return {
        "_id": objective_id,
        "objective_id": objective_id,
        "tenant_id": tenant,
        "owner_type": owner_type,
        "owner_id": owner,
        "org_unit_id": unit,
        "visibility": visibility,
    }


class Objectives:
    """The objective queries the recognition queries ask, over the three objectives above."""

    def __init__(self, directory):
        self.directory = directory
        self.objectives = self

    async def get(self, tenant_id, objective_id):
        return objective_doc(objective_id) if tenant_id == "acme" else None

    async def org_unit_objectives(self, principal, unit, cycle_id, include, limit, offset):
        scope = await self.directory.unit_scope(principal.tenant_id, unit, include)
        reader = await self.directory.reader(principal)
        docs = [objective_doc(o) for o in OBJECTIVES if OBJECTIVES[o][2] in scope]
        return [d for d in docs if can_read(d, reader)]


def meta(version, at=T0, tenant="acme", actor="mia"):
    return {
        "tenant_id": tenant,
        "actor_id": actor,
        "version": version,
        "event_id": f"e{version}",
        "time": at,
    }


def kudos(n, objective_id=PUBLIC, giver="mia", recipient="ana"):
    data = {
        "kudos_id": f"0b7ad2b8-3a8a-4c4c-9d4e-1000000000{n:02d}",
        "cycle_id": "q1",
        "giver_id": giver,
        "recipient_id": recipient,
        "objective_id": objective_id,
        "key_result_id": None,
        "points": 1,
        "message": f"thanks {n}",
        "given_at": (T0 + timedelta(hours=n)).isoformat(),
    }
    default_registry().validate("incentives", "KudosGiven", 1, data)
    return data


def nomination(nominee="ana", kind="person", n=1):
    return {
        "nomination_id": f"0b7ad2b8-3a8a-4c4c-9d4e-2000000000{n:02d}",
        "cycle_id": "q1",
        "nominee_type": kind,
        "nominee_id": nominee,
        "honour": "Star",
    }


def nominated(**fields):
    data = {**nomination(**fields), "citation": "Great", "nominated_by": "mia"}
    default_registry().validate("incentives", "HonourNominated", 1, data)
    return data


def decided(**fields):
    data = {**nomination(**fields), "decided_by": "ceo", "reason": "yes"}
    default_registry().validate("incentives", "HonourApproved", 1, data)
    return data


BADGE = {
    "badge_id": "0b7ad2b8-3a8a-4c4c-9d4e-300000000001",
    "person_id": "ana",
    "kind": "check_in_streak",
    "periods": 8,
    "streak_start": "2026-01-05T00:00:00+00:00",
    "streak_end": "2026-03-02T00:00:00+00:00",
}


@pytest.fixture
def world():
    collection = MemoryCollection()
    store = RecognitionStore(memory_client(collection), "db")
    projector = RecognitionProjector(store, MemoryPeople(PEOPLE))
    directory = org_directory()
    queries = RecognitionQueries(store, Objectives(directory), directory)
    return SimpleNamespace(collection=collection, projector=projector, queries=queries)


async def fill(world):
    """Kudos on ana's public and private goals and bob's, ana's approved honour and a pending
    one of ops, ana's badge."""
    p = world.projector
    await p.project("KudosGiven", kudos(1), meta(1, T0 + timedelta(hours=1)))
    await p.project("KudosGiven", kudos(2, PRIVATE), meta(2, T0 + timedelta(hours=2)))
    await p.project("KudosGiven", kudos(3, OPS, "ana", "bob"), meta(3, T0 + timedelta(hours=3)))
    await p.project("HonourNominated", nominated(), meta(4, T0 + timedelta(hours=4)))
    await p.project("HonourApproved", decided(), meta(5, T0 + timedelta(hours=5)))
    await p.project("HonourNominated", nominated(nominee="ops", kind="org_unit", n=2), meta(6))
    await p.project("BadgeAwarded", BADGE, meta(1, T0 + timedelta(hours=6)))


async def test_each_event_folds_once_and_a_decision_follows_its_nomination(world):
    p = world.projector
    assert await p.project("KudosGiven", kudos(1), meta(1)) is True
    assert await p.project("KudosGiven", kudos(1), meta(1)) is False
    assert await p.project("HonourNominated", nominated(), meta(2)) is True
    assert await p.project("HonourApproved", decided(), meta(3)) is True
    assert await p.project("HonourApproved", decided(), meta(3)) is False
    assert await p.project("HonourNominated", nominated(), meta(2)) is False
    writes = world.collection.writes
    assert await p.project("BadgeAwarded", BADGE, meta(1)) is True
    assert await p.project("BadgeAwarded", BADGE, meta(1)) is False
    assert world.collection.writes == writes + 1
    honour = world.collection.docs["acme:honour:" + nomination()["nomination_id"]]
    assert (honour["state"], honour["citation"], honour["org_unit_id"]) == (
        "approved",
        "Great",
        "emea",
    )
    assert honour["decided_by"] == "ceo" and honour["reason"] == "yes"


async def test_a_decision_arriving_first_makes_the_honour(world):
    assert await world.projector.project("HonourApproved", decided(), meta(3)) is True
    assert await world.projector.project("HonourNominated", nominated(), meta(2)) is False
    (doc,) = world.collection.docs.values()
    assert doc["state"] == "approved" and doc["org_unit_id"] == "emea"


def principal(actor, *roles, tenant="acme"):
    return Principal(tenant, actor, frozenset(roles))


@pytest.mark.parametrize(
    "reader, roles, received",
    [
        ("ana", (), ["thanks 2", "thanks 1"]),
        ("mia", (), ["thanks 2", "thanks 1"]),
        ("ceo", (), ["thanks 2", "thanks 1"]),
        ("carl", (), ["thanks 1"]),
        ("olga", ("leader",), ["thanks 1"]),
        ("x", ("auditor",), ["thanks 2", "thanks 1"]),
    ],
)
async def test_a_persons_kudos_show_only_on_goals_the_reader_may_read(
    world, reader, roles, received
):
    await fill(world)
    seen = await world.queries.person(principal(reader, *roles), "ana")
    assert [k["message"] for k in seen["kudos_received"]] == received
    assert [k["message"] for k in seen["kudos_given"]] == ["thanks 3"]
    assert [h["honour"] for h in seen["honours"]] == ["Star"]
    assert [b["periods"] for b in seen["badges"]] == [8]


async def test_no_read_across_tenants(world):
    await fill(world)
    with pytest.raises(NotFound):
        await world.queries.person(principal("ana", tenant="beta"), "ana")
    with pytest.raises(NotFound):
        await world.queries.wall(principal("ana", tenant="beta"), "emea", False, 10, 0)
    with pytest.raises(NotFound):
        await world.queries.wall(principal("ana"), "nowhere", False, 10, 0)


async def test_the_wall_shows_the_teams_readable_kudos_and_honours_newest_first_in_pages(world):
    await fill(world)
    wall = await world.queries.wall(principal("mia"), "emea", False, 10, 0)
    assert [(i["kind"], i.get("message") or i.get("honour")) for i in wall["items"]] == [
        ("honour", "Star"),
        ("kudos", "thanks 2"),
        ("kudos", "thanks 1"),
    ]
    carl = await world.queries.wall(principal("carl"), "emea", False, 10, 0)
    assert [i["kind"] for i in carl["items"]] == ["honour", "kudos"] and carl["total"] == 2
    page = await world.queries.wall(principal("mia"), "emea", False, 1, 1)
    assert [i["message"] for i in page["items"]] == ["thanks 2"] and page["total"] == 3
    ops = await world.queries.wall(principal("bob"), "ops", False, 10, 0)
    assert [i.get("message") for i in ops["items"]] == ["thanks 3"]
    company = await world.queries.wall(principal("ceo"), "company", True, 10, 0)
    assert company["total"] == 4
    assert (await world.queries.wall(principal("ceo"), "company", False, 10, 0))["total"] == 0


def test_every_incentive_event_is_projected_or_skipped():
    stores = [SimpleNamespace() for _ in range(4)]
    full = build_projector(*stores, rewards=SimpleNamespace(), recognition=SimpleNamespace())
    assert set(full.handlers) >= INCENTIVE_EVENTS
    assert {n for n in INCENTIVE_EVENTS if full.handlers[n] is skip} == {
        "RecognitionSettingsSet",
        "PayrollExported",
    }
    assert all(full.handlers[name] is not skip for name in RECOGNITION_EVENTS)
    assert {
        "KudosGiven",
        "HonourNominated",
        "HonourApproved",
        "HonourDeclined",
        "BadgeAwarded",
    } == RECOGNITION_EVENTS


@pytest.fixture
def http(world, issuer):
    container = SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(recognition=world.queries),
    )
    client = TestClient(create_http_app(container, consume=False))

    def as_person(who, *roles):
        return {"Authorization": f"Bearer {issuer.issue('acme', who, roles=roles)}"}

    return client, as_person


async def test_the_routes_serve_recognition_and_the_wall(world, http):
    await fill(world)
    client, as_person = http
    r = client.get("/v1/people/ana/recognition", headers=as_person("carl"))
    assert r.status_code == 200, r.text
    assert [k["message"] for k in r.json()["kudos_received"]] == ["thanks 1"]
    assert r.json()["badges"][0]["at"] == "2026-02-02T15:00:00+00:00"
    r = client.get(
        "/v1/org-units/emea/recognition-wall", params={"limit": 2}, headers=as_person("mia")
    )
    assert r.status_code == 200 and r.json()["total"] == 3 and len(r.json()["items"]) == 2
    assert (
        client.get("/v1/org-units/nowhere/recognition-wall", headers=as_person("mia")).status_code
        == 404
    )
    assert client.get("/v1/people/ghost/recognition", headers=as_person("mia")).status_code == 404
    r = client.get(
        "/v1/org-units/emea/recognition-wall", params={"limit": 0}, headers=as_person("mia")
    )
    assert r.status_code == 422
    spec = client.get("/openapi.json").json()["paths"]
    assert "404" in spec["/v1/org-units/{org_unit_id}/recognition-wall"]["get"]["responses"]
    assert "404" in spec["/v1/people/{person_id}/recognition"]["get"]["responses"]


async def test_an_honour_projected_before_its_person_shows_on_the_wall_of_their_unit_now():
    collection = MemoryCollection()
    store = RecognitionStore(memory_client(collection), "db")
    directory = org_directory()
    queries = RecognitionQueries(store, Objectives(directory), directory)
    unknown = RecognitionProjector(store, MemoryPeople({}))
    await unknown.project("HonourApproved", decided(), meta(5))
    assert next(iter(collection.docs.values()))["org_unit_id"] is None
    wall = await queries.wall(principal("carl"), "emea", False, 10, 0)
    assert [i["honour"] for i in wall["items"]] == ["Star"]
    assert (await queries.wall(principal("carl"), "ops", False, 10, 0))["items"] == []
