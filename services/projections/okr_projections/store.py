"""Version-guarded folds of events into documents of a MongoDB-compatible store (MongoDB 7+,
FerretDB 1.24).

No transactions: a document is updated only if its version is still the one read, so a
duplicated or replayed event changes nothing. The update `$set`s the fields the fold owns and
never the derived ones (rollups, ancestors), which their refreshers write separately. A fold
that fails on the event's data is deterministic, so it is reported as UnprojectableEvent
(dead-lettered) rather than retried forever. A creating event is inserted straight away (the
unique `_id` catches a duplicate): FerretDB answers a lookup of a missing `_id` by a scan.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from okr_projections.documents import Document, UnprojectableEvent

Fold = Callable[[Document | None], Document]


@dataclass
class WritePolicy:
    """How writes are guarded. On MongoDB every write is a compare-and-set: the fields read must
    still hold. FerretDB 1.24 (SQLite) runs any filter beyond `_id` as a scan of the collection and
    does not update one document atomically anyway, so there the filter is `_id` alone and the
    projections process handles one event at a time (one consumer per group is the deployment)."""

    conditional: bool = True

    def filter(self, doc_id: str, **conditions: Any) -> dict[str, Any]:
        return {"_id": doc_id, **conditions} if self.conditional else {"_id": doc_id}


async def conditional_writes_work(client: AsyncMongoClient) -> bool:
    """Whether the store updates one document atomically and filters on `_id` plus other fields
    by index."""
    return "ferretdbVersion" not in await client.admin.command("buildInfo")


@dataclass(frozen=True)
class Folded:
    """The outcome of folding one event: whether it changed the document, and the document after
    it."""

    applied: bool
    doc: Document


def _folded(fold: Fold, current: Document | None, doc_id: str, version: int) -> Document:
    try:
        doc = fold(current)
    except UnprojectableEvent:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise UnprojectableEvent(f"cannot fold version {version} into {doc_id}: {exc!r}") from exc
    doc["projected_at"] = datetime.now(UTC)
    return doc


async def fold_into(
    collection: AsyncCollection,
    doc_id: str,
    tenant_id: str,
    version: int,
    fold: Fold,
    derived: Collection[str] = (),
    creates: bool = False,
    max_attempts: int = 5,
    guarded: Collection[str] = (),
    policy: WritePolicy | None = None,
) -> Folded:
    """Writes `fold(current)` but its `derived` fields unless it includes `version`; `guarded`
    fields must be as read."""
    if creates:
        doc = _folded(fold, None, doc_id, version)
        try:
            await collection.insert_one(doc)
            return Folded(True, doc)
        except DuplicateKeyError:
            pass
    for _ in range(max_attempts):
        current = await collection.find_one({"_id": doc_id})
        if current is not None and current["tenant_id"] != tenant_id:
            raise UnprojectableEvent(f"document {doc_id} belongs to another tenant")
        if current is not None and current["version"] >= version:
            return Folded(False, current)
        doc = _folded(fold, current, doc_id, version)
        if current is None:
            try:
                await collection.insert_one(doc)
            except DuplicateKeyError:
                continue
            return Folded(True, doc)
        owned = {k: v for k, v in doc.items() if k != "_id" and k not in derived}
        guard = (policy or WritePolicy()).filter(
            doc_id, version=current["version"], **{k: current.get(k) for k in guarded}
        )
        result = await collection.update_one(guard, {"$set": owned})
        if result.matched_count == 1:
            return Folded(True, doc)
    raise RuntimeError(f"could not apply version {version} to {doc_id}: concurrent writers")


def in_filter(filters: dict[str, Any]) -> dict[str, Any]:
    """Equality filters where a list value means any of its values."""
    return {
        k: {"$in": list(v)} if isinstance(v, list | tuple | set | frozenset) else v
        for k, v in filters.items()
    }
