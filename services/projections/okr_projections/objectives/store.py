"""Objective documents (collection `objective_progress`): version-guarded folds, rollups and
visible reads.

Rollups read and write by key only: every child writes its contribution (rollup and link
weight) into its parent's document in `objective_links`, keyed by tenant and parent, which
may exist before the parent does. FerretDB 1.24 scans for any filter but `_id`, so "which
children point to it" is answered without a query.

Check-ins move key results without a goal event: their writes bump `check_in_rev`, which
guards the goal folds (and `progress` guards the rollup), so neither overwrites the other.
Reviews set `review` (with `review_rev`, the size of the review log it was folded from) beside
the goal fields, which no goal fold writes; `review_rev` guards the score rollup.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING, AsyncMongoClient

from okr_projections.documents import Document, UnprojectableEvent, tenant_key
from okr_projections.objectives.domain import apply_event, with_check_ins
from okr_projections.objectives.rollup import (
    contribution,
    own_score,
    parent_ids,
    refresh_order,
    rollups,
)
from okr_projections.objectives.visibility import Reader, can_read
from okr_projections.store import Folded, WritePolicy, fold_into, in_filter
from okr_shared import access

COLLECTION = "objective_progress"
LINKS = "objective_links"
CHECK_IN_REV = "check_in_rev"
REVIEW_REV = "review_rev"
DERIVED = ("rollup_progress", CHECK_IN_REV, "review", REVIEW_REV, "rollup_score")
_ROLLUPS = ("rollup_progress", "rollup_score")
_ORDER = [("created_at", ASCENDING), ("_id", ASCENDING)]
_ROLLUP_FIELDS = {
    "tenant_id": 1,
    "version": 1,
    "progress": 1,
    "rollup_progress": 1,
    "rollup_score": 1,
    "review": 1,
    REVIEW_REV: 1,
    "alignments": 1,
}


def visible_to(reader: Reader) -> dict[str, Any]:
    """The query form of `visibility.can_read` for the reader (empty when every one is visible)."""
    actor = reader.actor()
    if actor.roles & {access.ADMIN, access.AUDITOR}:
        return {}
    shown: list[dict[str, Any]] = [{"visibility": access.PUBLIC}]
    if access.LEADER in actor.roles:
        shown.append({"visibility": access.ORG_UNIT})
    if access.holds_position(actor.roles):
        owners = sorted(reader.reports | {reader.person_id})
        shown.append({"owner_type": access.PERSON, "owner_id": {"$in": owners}})
        if actor.unit_line:
            at_or_below = sorted({actor.unit_line[0], *reader.units_below})
            shown.append({"owner_type": access.ORG_UNIT, "org_unit_id": {"$in": at_or_below}})
            related = sorted({*actor.unit_line, *reader.units_below})
            shown.append({"visibility": access.ORG_UNIT, "org_unit_id": {"$in": related}})
    return {"$or": shown}


def _child_field(objective_id: str) -> str:
    if "." in objective_id or objective_id.startswith("$"):
        raise UnprojectableEvent(f"objective id {objective_id!r} cannot name a link")
    return f"children.{objective_id}"


class ObjectiveStore:
    """Reads and writes of objective documents; rollups are a separate `$set` of derived fields."""

    def __init__(
        self,
        client: AsyncMongoClient,
        database: str,
        max_rollup_attempts: int = 10,
        policy: WritePolicy | None = None,
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]
        self._links = client[database][LINKS]
        self._max_rollup_attempts = max_rollup_attempts

    async def ensure_indexes(self) -> None:
        for field in (
            "cycle_id",
            "owner_id",
            "org_unit_id",
            "key_results.owner_id",
            "key_results.initiatives.owner_id",
        ):
            await self._collection.create_index([("tenant_id", ASCENDING), (field, ASCENDING)])
        await self._collection.create_index([("tenant_id", ASCENDING), *_ORDER])

    async def apply(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> Folded:
        """Folds the event into its objective (not applied if the document already includes it)."""
        return await fold_into(
            self._collection,
            data["objective_id"],
            meta["tenant_id"],
            meta["version"],
            lambda current: apply_event(current, event_type, data, meta),
            DERIVED,
            creates=event_type == "ObjectiveCreated",
            guarded=(CHECK_IN_REV,),
            policy=self.policy,
        )

    async def apply_check_ins(
        self, tenant_id: str, objective_id: str, states: dict[str, dict[str, Any]]
    ) -> Document | None:
        """Sets the check-in state of key results (id to state); the document after, None before
        it exists."""
        for _ in range(self._max_rollup_attempts):
            doc = await self.get(tenant_id, objective_id)
            if doc is None:
                return None
            try:
                moved = with_check_ins(doc, states)
            except (KeyError, TypeError, ValueError) as exc:
                raise UnprojectableEvent(
                    f"cannot set check-ins on {objective_id}: {exc!r}"
                ) from exc
            if moved["key_results"] == doc["key_results"]:
                return doc
            rev = doc.get(CHECK_IN_REV)
            result = await self._collection.update_one(
                self.policy.filter(objective_id, version=doc["version"], **{CHECK_IN_REV: rev}),
                {
                    "$set": {
                        "key_results": moved["key_results"],
                        "progress": moved["progress"],
                        CHECK_IN_REV: (rev or 0) + 1,
                    }
                },
            )
            if result.matched_count == 1:
                return {**moved, CHECK_IN_REV: (rev or 0) + 1}
        raise RuntimeError(f"check-ins of {objective_id} did not settle: concurrent writers")

    async def set_review(
        self, tenant_id: str, objective_id: str, review: dict[str, Any] | None, rev: int
    ) -> Document | None:
        """Shows the review folded from a log of `rev` events (a larger one already shown wins);
        the document after, None before it exists."""
        for _ in range(self._max_rollup_attempts):
            doc = await self.get(tenant_id, objective_id)
            if doc is None:
                return None
            shown = doc.get(REVIEW_REV)
            if (shown or 0) > rev or (shown == rev and doc.get("review") == review):
                return doc
            result = await self._collection.update_one(
                self.policy.filter(objective_id, **{REVIEW_REV: shown}),
                {"$set": {"review": review, REVIEW_REV: rev}},
            )
            if result.matched_count == 1:
                return {**doc, "review": review, REVIEW_REV: rev}
        raise RuntimeError(f"review of {objective_id} did not settle: concurrent writers")

    async def refresh_rollups(
        self, tenant_id: str, doc: Document, named_parents: Iterable[str] = ()
    ) -> list[str]:
        """Recomputes the rollup of `doc` (as just folded), then of its ancestors and of the
        parents the event named."""
        named = list(named_parents)
        known = await self._ancestry(tenant_id, doc, named)
        order = refresh_order({oid: parent_ids(d) for oid, d in known.items()})
        for oid in order:
            await self._refresh(tenant_id, known[oid], named if oid == doc["_id"] else [])
        return order

    async def _rollup_doc(self, tenant_id: str, objective_id: str) -> Document | None:
        doc = await self._collection.find_one({"_id": objective_id}, _ROLLUP_FIELDS)
        return doc if doc is not None and doc["tenant_id"] == tenant_id else None

    async def _ancestry(
        self, tenant_id: str, doc: Document, named_parents: list[str]
    ) -> dict[str, Document]:
        """The objective and every ancestor reachable through current links or the named parents,
        by id."""
        known = {doc["_id"]: doc}
        frontier = [*parent_ids(doc), *named_parents]
        while frontier:
            oid = frontier.pop(0)
            if oid in known:
                continue
            found = await self._rollup_doc(tenant_id, oid)
            if found is not None:
                known[oid] = found
                frontier += parent_ids(found)
        return known

    async def _contributions(self, tenant_id: str, objective_id: str) -> dict[str, Any]:
        links = await self._links.find_one({"_id": tenant_key(tenant_id, objective_id)})
        return links["children"] if links else {}

    async def _refresh(self, tenant_id: str, doc: Document, named_parents: list[str]) -> None:
        """Compare-and-set of the rollups, then the contribution to every parent, until nothing
        changed meanwhile."""
        objective_id = doc["_id"]
        for _ in range(self._max_rollup_attempts):
            children = await self._contributions(tenant_id, objective_id)
            values = rollups(doc, children.values())
            if any(values[k] != doc.get(k) for k in _ROLLUPS):
                guard = self.policy.filter(
                    objective_id,
                    version=doc["version"],
                    progress=doc.get("progress"),
                    **{k: doc.get(k) for k in (*_ROLLUPS, REVIEW_REV)},
                )
                result = await self._collection.update_one(guard, {"$set": values})
                stale = (
                    result.matched_count == 0
                    or await self._contributions(tenant_id, objective_id) != children
                )
                if stale:
                    doc = await self._rollup_doc(tenant_id, objective_id)
                    if doc is None:
                        return
                    continue
            if not doc["alignments"] and not named_parents:
                return
            await self._contribute(
                tenant_id, objective_id, doc["alignments"], values, named_parents
            )
            again = await self._rollup_doc(tenant_id, objective_id)
            if again is None or (
                {k: again.get(k) for k in _ROLLUPS},
                own_score(again),
                again["alignments"],
            ) == (values, own_score(doc), doc["alignments"]):
                return
            doc = again
        raise RuntimeError(f"rollup of {objective_id} did not settle: concurrent writers")

    async def _contribute(
        self,
        tenant_id: str,
        objective_id: str,
        alignments: list[dict[str, Any]],
        values: dict[str, Any],
        named_parents: list[str],
    ) -> None:
        field = _child_field(objective_id)
        for link in alignments:
            parent = link["parent_objective_id"]
            await self._links.update_one(
                {"_id": tenant_key(tenant_id, parent)},
                {
                    "$set": {
                        field: contribution(
                            values["rollup_progress"], link["weight"], values["rollup_score"]
                        ),
                        "tenant_id": tenant_id,
                        "objective_id": parent,
                    }
                },
                upsert=True,
            )
        linked = set(parent_ids({"alignments": alignments}))
        for parent in dict.fromkeys(p for p in named_parents if p not in linked):
            await self._links.update_one(
                {"_id": tenant_key(tenant_id, parent)}, {"$unset": {field: ""}}
            )

    async def get(self, tenant_id: str, objective_id: str) -> Document | None:
        doc = await self._collection.find_one({"_id": objective_id})
        return doc if doc is not None and doc["tenant_id"] == tenant_id else None

    async def list(
        self,
        tenant_id: str,
        filters: dict[str, Any],
        limit: int = 0,
        offset: int = 0,
        reader: Reader | None = None,
    ) -> list[Document]:
        """Documents matching the equality filters (a list means any of), visible to `reader`
        when given."""
        return await self._find(tenant_id, [in_filter(filters)], reader, limit, offset)

    async def involving(
        self,
        tenant_id: str,
        person_id: str,
        filters: dict[str, Any],
        limit: int = 0,
        offset: int = 0,
        reader: Reader | None = None,
    ) -> list[Document]:
        """Documents the person owns, or where they own a key result or an initiative."""
        involved = {
            "$or": [
                {"owner_type": "person", "owner_id": person_id},
                {"key_results.owner_id": person_id},
                {"key_results.initiatives.owner_id": person_id},
            ]
        }
        return await self._find(tenant_id, [in_filter(filters), involved], reader, limit, offset)

    async def _find(
        self,
        tenant_id: str,
        parts: list[dict[str, Any]],
        reader: Reader | None,
        limit: int,
        offset: int,
    ) -> list[Document]:
        if reader is not None:
            parts = [*parts, visible_to(reader)]
        query = {"$and": [{"tenant_id": tenant_id}, *(p for p in parts if p)]}
        cursor = self._collection.find(query).sort(_ORDER).skip(offset).limit(limit)
        docs = await cursor.to_list(None)
        return docs if reader is None else [d for d in docs if can_read(d, reader)]
