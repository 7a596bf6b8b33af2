"""An in-memory stand-in for the read-model stores: records what the projector asked of it."""

from okr_projections.store import Folded


class FakeStore:
    def __init__(self, applied=True):
        self.calls = []
        self.applied = applied

    async def apply(self, event_type, data, meta):
        self.calls.append(("apply", event_type))
        return Folded(self.applied, {"_id": data.get("objective_id")})

    async def refresh_rollups(self, tenant_id, doc, named_parents=()):
        self.calls.append(("rollup", tenant_id, doc["_id"], list(named_parents)))

    async def refresh_subtree(self, tenant_id, org_unit_id):
        self.calls.append(("subtree", tenant_id, org_unit_id))

    async def erased(self, tenant_id, person_id):
        return False
