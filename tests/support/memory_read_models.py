"""In-memory stand-ins for the document store and the directory read models, for unit tests of
read-model stores and queries: a collection answering the few calls the stores make, and an org
tree with people placed in it."""

import copy

from pymongo.errors import DuplicateKeyError

from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import tenant_key


def _matches(doc, query):
    for key, wanted in query.items():
        if isinstance(wanted, dict) and "$in" in wanted:
            if doc.get(key) not in wanted["$in"]:
                return False
        elif doc.get(key) != wanted:
            return False
    return True


class Cursor:
    def __init__(self, docs):
        self.docs = docs

    def sort(self, key, direction=1):
        self.docs.sort(key=lambda d: d[key], reverse=direction < 0)
        return self

    async def to_list(self, length=None):
        return self.docs


class MemoryCollection:
    """find_one, insert_one, update_one ($set) and find over equality and `$in` filters; counts
    the writes."""

    def __init__(self):
        self.docs = {}
        self.writes = 0

    async def create_index(self, keys):
        return None

    async def find_one(self, query):
        found = [d for d in self.docs.values() if _matches(d, query)]
        return copy.deepcopy(found[0]) if found else None

    async def insert_one(self, doc):
        if doc["_id"] in self.docs:
            raise DuplicateKeyError("duplicate _id")
        self.writes += 1
        self.docs[doc["_id"]] = copy.deepcopy(doc)

    async def update_one(self, query, update):
        class Result:
            matched_count = 0

        result = Result()
        for doc in self.docs.values():
            if _matches(doc, query):
                self.writes += 1
                doc.update(copy.deepcopy(update["$set"]))
                result.matched_count = 1
                break
        return result

    def find(self, query):
        return Cursor([copy.deepcopy(d) for d in self.docs.values() if _matches(d, query)])


def memory_client(collection, database="db", name=None):
    """A stand-in client whose `client[database][name]` is the collection (any name if None)."""

    class Database(dict):
        def __missing__(self, key):
            return collection

    return {database: Database() if name is None else {name: collection}}


class MemoryOrgUnits:
    """Org units by id with their ancestors (parents given as {unit: parent})."""

    def __init__(self, parents, tenant="acme"):
        self.tenant = tenant
        self.parents = parents

    def _ancestors(self, unit_id):
        line, parent = [], self.parents[unit_id]
        while parent is not None:
            line.insert(0, parent)
            parent = self.parents[parent]
        return line

    async def get(self, tenant_id, org_unit_id):
        if tenant_id != self.tenant or org_unit_id not in self.parents:
            return None
        return {
            "_id": tenant_key(tenant_id, org_unit_id),
            "tenant_id": tenant_id,
            "org_unit_id": org_unit_id,
            "parent_id": self.parents[org_unit_id],
            "ancestors": self._ancestors(org_unit_id),
        }

    async def subtree(self, tenant_id, org_unit_id):
        below = [u for u in self.parents if org_unit_id in self._ancestors(u)]
        return [org_unit_id, *sorted(below)] if tenant_id == self.tenant else [org_unit_id]


class MemoryPeople:
    """People by id: {person: (unit, manager)}."""

    def __init__(self, people, tenant="acme"):
        self.tenant = tenant
        self.people = people

    async def get(self, tenant_id, person_id):
        if tenant_id != self.tenant or person_id not in self.people:
            return None
        unit, manager = self.people[person_id]
        return {
            "_id": tenant_key(tenant_id, person_id),
            "tenant_id": tenant_id,
            "person_id": person_id,
            "org_unit_id": unit,
            "manager_id": manager,
            "active": True,
        }

    async def reports_of(self, tenant_id, person_id):
        if tenant_id != self.tenant:
            return set()
        seen, frontier = {person_id}, [person_id]
        while frontier:
            frontier = [p for p, (_, m) in self.people.items() if m in frontier and p not in seen]
            seen.update(frontier)
        return seen - {person_id}


UNITS = {"company": None, "sales": "company", "emea": "sales", "ops": "company"}
"""company > sales > emea, company > ops."""
PEOPLE = {
    "ceo": ("company", None),
    "mia": ("sales", "ceo"),
    "ana": ("emea", "mia"),
    "lea": ("sales", None),
    "carl": ("sales", "mia"),
    "bob": ("ops", "ceo"),
    "olga": ("ops", None),
}
"""ceo above mia above ana and carl, ceo above bob; lea (sales) and olga (ops) are above nobody."""


def org_directory(tenant="acme"):
    """Directory queries over the org above, in the tenant."""
    return DirectoryQueries(MemoryOrgUnits(UNITS, tenant), MemoryPeople(PEOPLE, tenant))
