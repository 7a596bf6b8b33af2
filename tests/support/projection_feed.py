"""The real read models in a database of their own, and a feed that delivers events to them."""

import contextlib
import uuid

from pymongo import AsyncMongoClient

from okr_projections.bootstrap import build_projector
from okr_projections.cycles.store import CycleStore
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.objectives.store import ObjectiveStore
from tests.support.goal_events import meta

AGGREGATE_KEYS = ("objective_id", "person_id", "org_unit_id", "cycle_id")


class Feed:
    """Delivers events as the consumer would, numbering each aggregate's versions; keeps a log to
    replay."""

    def __init__(self, projector):
        self.projector = projector
        self.versions = {}
        self.log = []

    async def __call__(self, event_type, data, tenant="acme"):
        aggregate = (tenant, next(data[k] for k in AGGREGATE_KEYS if k in data))
        self.versions[aggregate] = self.versions.get(aggregate, 0) + 1
        self.log.append((event_type, data, meta(self.versions[aggregate], tenant)))
        return await self.projector.project(*self.log[-1])

    async def replay(self):
        return [await self.projector.project(*entry) for entry in self.log]


@contextlib.asynccontextmanager
async def read_models(infra):
    """Every read model in a database of its own, dropped afterwards."""
    client = AsyncMongoClient(infra.mongo_url, tz_aware=True)
    name = f"okr_test_{uuid.uuid4().hex[:10]}"
    stores = (
        ObjectiveStore(client, name),
        OrgUnitStore(client, name),
        PeopleStore(client, name),
        CycleStore(client, name),
    )
    try:
        for store in stores:
            await store.ensure_indexes()
        yield build_projector(*stores)
    finally:
        await client.drop_database(name)
        await client.close()


def without_projection_time(doc):
    return {k: v for k, v in doc.items() if k != "projected_at"}
