"""The projections HTTP app over stub queries: a container whose every feature asks one stub."""

from datetime import UTC, datetime
from types import SimpleNamespace

from okr_projections.settings import ProjectionsSettings
from okr_shared.identity import TokenVerifier
from okr_shared.settings import AuthSettings


def stub_container(queries):
    """A container for `create_http_app` whose every feature asks `queries`."""
    return SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(objectives=queries, directory=queries, cycles=queries, due=queries),
    )


DOC = {
    "_id": "o1",
    "objective_id": "o1",
    "tenant_id": "acme",
    "title": "UX",
    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
}


class StubQueries:
    def __init__(self):
        self.asked = []

    async def objective(self, principal, objective_id):
        self.asked.append(("objective", principal.tenant_id, objective_id))
        return DOC if objective_id == "o1" else None

    async def objectives_list(self, principal, filters, limit, offset):
        self.asked.append(("list", filters, limit, offset))
        return [DOC]

    async def person_objectives(self, principal, person_id, cycle_id, limit, offset):
        return [(DOC, ["owner", "initiative_owner"])]

    async def cycle_tree(self, principal, cycle_id, org_unit_id):
        return [{"objective_id": "o1", "children": []}]

    async def org_unit(self, principal, org_unit_id):
        return None

    async def person(self, principal, person_id):
        return {"_id": "acme:E1", "person_id": "E1"}
