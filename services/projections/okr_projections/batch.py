"""Folding many events with one bulk write per collection: a unit of work over the read models.

While a `Batch` is open (in the task that opened it), the collections of a `Batching` client
answer reads by `_id` from what the batch has already read or written, and keep writes in
memory; `flush` writes every changed document of a collection with one `bulk_write` (inserts
for new documents, `$set`/`$unset` of the changed top-level fields for the others). Each
document is read once per batch, however many events touch it. Documents are kept as BSON, so
what a fold reads back is exactly what the store would answer (millisecond UTC times, lists).

What the cache cannot answer (a filter beyond `_id` and equalities, an unknown update operator)
flushes first and goes to the store. Outside a batch every call goes straight to the store.
On MongoDB (conditional writes) every update is guarded by the values it changes as read, so a
concurrent writer makes the flush report `StaleBatch` and the caller falls back to one event at
a time; on FerretDB the guard is `_id` alone (one consumer per group).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import bson
from pymongo import InsertOne, ReturnDocument, UpdateOne
from pymongo.errors import BulkWriteError, DuplicateKeyError

from okr_projections.store import WritePolicy

_CURRENT: contextvars.ContextVar[Batch | None] = contextvars.ContextVar("batch", default=None)
_UPDATE_OPERATORS = {"$set", "$unset", "$addToSet", "$setOnInsert"}
_FLUSHING_CALLS = {
    "aggregate",
    "bulk_write",
    "count_documents",
    "delete_many",
    "delete_one",
    "distinct",
    "find_one_and_delete",
    "find_one_and_replace",
    "insert_many",
    "update_many",
}


BULK_LIMIT = 64
"""Operations per `bulk_write`. FerretDB 1.24 (SQLite backend) keeps one SQL connection per
update of a command until the command ends, from a pool of 100 per database: a bulk write of
more than about 100 updates waits for a connection forever and wedges that database for every
client (tests/integration/test_projection_batch.py). MongoDB takes far more; 64 costs it little."""


class StaleBatch(Exception):
    """A flush found a document changed by another writer since the batch read it."""


@dataclass
class _Result:
    """What pymongo's write results say, for the writes the batch answers itself."""

    matched_count: int = 0
    modified_count: int = 0
    upserted_id: Any = None
    inserted_id: Any = None
    acknowledged: bool = True


class KnownIds:
    """The `_id`s a collection holds, kept by this process across batches (read once, then
    added to by every insert it makes), so that a batch never asks the store for a document it
    does not hold: FerretDB 1.24 (SQLite) answers a lookup of a missing `_id`, or any `$in`, by
    a scan of the collection. Forgotten (read again when next needed) after any write the
    process did not make through a batch it could follow."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], set[Any]] = {}

    async def of(self, collection: Any) -> set[Any]:
        key = (collection.database.name, collection.name)
        if key not in self._ids:
            found = collection.find({}, {"_id": 1})
            self._ids[key] = {d["_id"] async for d in found}
        return self._ids[key]

    def added(self, collection: Any, ids: list[Any]) -> None:
        known = self._ids.get((collection.database.name, collection.name))
        if known is not None:
            known.update(ids)

    def forget(self, collection: Any | None = None) -> None:
        if collection is None:
            self._ids.clear()
        else:
            self._ids.pop((collection.database.name, collection.name), None)


@dataclass
class _Cached:
    """The documents of one collection the batch knows: as read, and as they stand now."""

    collection: Any
    known: KnownIds | None = None
    read: dict[Any, bytes | None] = field(default_factory=dict)
    now: dict[Any, bytes | None] = field(default_factory=dict)

    def decode(self, raw: bytes | None) -> dict[str, Any] | None:
        return None if raw is None else bson.decode(raw, self.collection.codec_options)

    def encode(self, doc: dict[str, Any] | None) -> bytes | None:
        return (
            None if doc is None else bson.encode(doc, codec_options=self.collection.codec_options)
        )

    async def load(self, ids: list[Any]) -> None:
        """Reads the documents not known yet: with known ids, each held one by its `_id` (the
        others are absent); otherwise all in one query."""
        missing = [i for i in dict.fromkeys(ids) if i not in self.now]
        if not missing:
            return
        found: dict[Any, Any] = {}
        if self.known is not None:
            held = await self.known.of(self.collection)
            for doc_id in missing:
                if doc_id in held:
                    found[doc_id] = await self.collection.find_one({"_id": doc_id})
        else:
            query = {"_id": missing[0]} if len(missing) == 1 else {"_id": {"$in": missing}}
            found = {d["_id"]: d async for d in self.collection.find(query)}
        for doc_id in missing:
            raw = self.encode(found.get(doc_id))
            self.read[doc_id] = self.now[doc_id] = raw

    def operations(self, policy: WritePolicy) -> list[Any]:
        """The writes that bring the store from what was read to what stands now."""
        ops: list[Any] = []
        for doc_id, raw in self.now.items():
            before = self.read[doc_id]
            if raw == before:
                continue
            doc = self.decode(raw)
            if before is None and doc is not None:
                ops.append(InsertOne(doc))
                continue
            old = self.decode(before) or {}
            assert doc is not None, "the batch never deletes"
            changed = {k: v for k, v in doc.items() if k != "_id" and old.get(k, _MISSING) != v}
            removed = [k for k in old if k not in doc]
            update: dict[str, Any] = {}
            if changed:
                update["$set"] = changed
            if removed:
                update["$unset"] = dict.fromkeys(removed, "")
            if update:
                guard = {k: old.get(k) for k in [*changed, *removed]}
                ops.append(UpdateOne(policy.filter(doc_id, **guard), update))
        return ops


_MISSING = object()


class Batch:
    """The documents read and written by the events of one batch, written out by `flush`."""

    def __init__(self, policy: WritePolicy | None = None, known_ids: bool = False) -> None:
        self.policy = policy or WritePolicy(conditional=False)
        self.known_ids = known_ids
        self._collections: dict[tuple[str, str], _Cached] = {}
        self._known: list[KnownIds] = []
        self.bulk_writes = 0

    def cached(self, collection: Any, known: KnownIds) -> _Cached:
        key = (collection.database.name, collection.name)
        if key not in self._collections:
            use = known if self.known_ids else None
            self._collections[key] = _Cached(collection, use)
            if use is not None and use not in self._known:
                self._known.append(use)
        return self._collections[key]

    def distrust(self) -> None:
        """Asks the store again for what the known ids said was absent (another writer may have
        added it): the known ids are read afresh and the batch's reads of absent documents
        dropped."""
        for known in self._known:
            known.forget()
        for cached in self._collections.values():
            for doc_id in [i for i, raw in cached.read.items() if raw is None]:
                if cached.now[doc_id] is None:
                    del cached.read[doc_id], cached.now[doc_id]

    async def flush(self) -> int:
        """Writes every changed document, in `bulk_write`s of at most BULK_LIMIT operations per
        collection; how many writes."""
        written = 0
        for cached in self._collections.values():
            ops = cached.operations(self.policy)
            for start in range(0, len(ops), BULK_LIMIT):
                written += await self._write(cached, ops[start : start + BULK_LIMIT])
            cached.read.update(cached.now)
        return written

    async def _write(self, cached: _Cached, ops: list[Any]) -> int:
        try:
            result = await cached.collection.bulk_write(ops, ordered=True)
        except BulkWriteError as exc:
            if cached.known is not None:
                cached.known.forget(cached.collection)
            raise StaleBatch(f"{cached.collection.name}: {exc.details}") from exc
        self.bulk_writes += 1
        updates = sum(1 for op in ops if not isinstance(op, InsertOne))
        if result.matched_count < updates:
            raise StaleBatch(f"{cached.collection.name}: a document changed meanwhile")
        if cached.known is not None:
            inserted = [op._doc["_id"] for op in ops if isinstance(op, InsertOne)]
            cached.known.added(cached.collection, inserted)
        return len(ops)

    def forget(self) -> None:
        """Drops what the batch knows (after a flush, or to give up its writes)."""
        self._collections.clear()


@contextlib.asynccontextmanager
async def batch(
    policy: WritePolicy | None = None, known_ids: bool | None = None
) -> AsyncIterator[Batch]:
    """Opens a batch in this task: the `Batching` collections keep their writes until `flush`.
    Where writes are not conditional (FerretDB, one writer per database), absent documents are
    told by the process's known ids instead of by asking the store.

    Nothing is flushed on leaving: the caller flushes (then commits its offsets) or gives up."""
    trusted = policy is not None and not policy.conditional if known_ids is None else known_ids
    opened = Batch(policy, known_ids=trusted)
    token = _CURRENT.set(opened)
    try:
        yield opened
    finally:
        _CURRENT.reset(token)
        opened.forget()


def current() -> Batch | None:
    """The batch open in this task, if any."""
    return _CURRENT.get()


def _id_of(query: dict[str, Any]) -> tuple[bool, Any, dict[str, Any]]:
    """Whether the cache can answer the filter (`_id` and plain equalities); the id and the
    other equalities."""
    if "_id" not in query or isinstance(query["_id"], dict):
        return False, None, {}
    rest = {k: v for k, v in query.items() if k != "_id"}
    plain = all(not k.startswith("$") and not _is_operator(v) for k, v in rest.items())
    return plain, query["_id"], rest


def _is_operator(value: Any) -> bool:
    return isinstance(value, dict) and any(str(k).startswith("$") for k in value)


def _get(doc: dict[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _matches(doc: dict[str, Any], conditions: dict[str, Any]) -> bool:
    """Mongo equality: a missing field equals None."""
    return all(_get(doc, k) == v for k, v in conditions.items())


def _parent(doc: dict[str, Any], path: str, create: bool) -> tuple[dict[str, Any] | None, str]:
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        if part not in node and create:
            node[part] = {}
        node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return None, last
    return node, last


def _apply(doc: dict[str, Any], update: dict[str, Any], inserting: bool) -> None:
    """Applies the update operators the batch knows to `doc` in place."""
    for op, fields in update.items():
        if op == "$setOnInsert" and not inserting:
            continue
        for path, value in fields.items():
            node, last = _parent(doc, path, create=op != "$unset")
            if node is None:
                if op == "$unset":
                    continue
                raise ValueError(f"cannot {op} {path}: not a document on the way")
            if op in ("$set", "$setOnInsert"):
                node[last] = value
            elif op == "$unset":
                node.pop(last, None)
            else:
                present = node.setdefault(last, [])
                if value not in present:
                    present.append(value)


def _project(doc: dict[str, Any] | None, projection: Any) -> dict[str, Any] | None:
    """An inclusion projection (`{field: 1}` or a list of fields) of a top-level document."""
    if doc is None or not projection:
        return doc
    names = projection if isinstance(projection, list | tuple) else list(projection)
    wanted = [n for n in names if isinstance(projection, list | tuple) or projection[n]]
    return {"_id": doc["_id"], **{n: doc[n] for n in wanted if n in doc and n != "_id"}}


class BatchingCollection:
    """A collection whose reads by `_id` and writes go through the open batch, if any."""

    def __init__(self, collection: Any, known: KnownIds) -> None:
        self._collection = collection
        self._known = known

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if name not in _FLUSHING_CALLS:
            return attr

        async def flushed(*args: Any, **kwargs: Any) -> Any:
            await self._through(writing=True)
            return await attr(*args, **kwargs)

        return flushed

    def _cached(self) -> _Cached | None:
        opened = _CURRENT.get()
        return None if opened is None else opened.cached(self._collection, self._known)

    async def _through(self, writing: bool = False) -> None:
        """Flushes the batch before the store answers a call; before a write the store makes
        itself, the batch also forgets what it read."""
        opened = _CURRENT.get()
        if opened is not None:
            await opened.flush()
            if writing:
                opened.forget()
        if writing:
            self._known.forget(self._collection)

    async def _doc(self, cached: _Cached, doc_id: Any) -> dict[str, Any] | None:
        await cached.load([doc_id])
        return cached.decode(cached.now[doc_id])

    async def find_one(self, query: dict[str, Any], projection: Any = None) -> Any:
        cached = self._cached()
        plain, doc_id, rest = _id_of(query) if cached is not None else (False, None, {})
        if cached is None or not plain:
            await self._through()
            return await self._collection.find_one(query, projection)
        doc = await self._doc(cached, doc_id)
        return _project(doc, projection) if doc is not None and _matches(doc, rest) else None

    def find(self, query: dict[str, Any] | None = None, projection: Any = None) -> Any:
        cached = self._cached()
        ids = (query or {}).get("_id")
        by_ids = cached is not None and set(query or {}) == {"_id"} and _in_list(ids)
        if not by_ids:
            if cached is not None and cached.now:
                return _FlushedCursor(self, query, projection)
            return self._collection.find(query, projection)
        return _CachedCursor(self, cached, list(ids["$in"]), projection)

    async def insert_one(self, doc: dict[str, Any]) -> Any:
        cached = self._cached()
        if cached is None:
            result = await self._collection.insert_one(doc)
            self._known.added(self._collection, [result.inserted_id])
            return result
        if "_id" not in doc:
            doc["_id"] = bson.ObjectId()
        if await self._doc(cached, doc["_id"]) is not None:
            raise DuplicateKeyError(f"E11000 duplicate key error: _id {doc['_id']!r}", 11000)
        cached.now[doc["_id"]] = cached.encode(doc)
        return _Result(inserted_id=doc["_id"])

    async def update_one(
        self, query: dict[str, Any], update: dict[str, Any], upsert: bool = False
    ) -> Any:
        found = await self._update(query, update, upsert)
        if found is None:
            return await self._collection.update_one(query, update, upsert=upsert)
        return found[0]

    async def replace_one(
        self, query: dict[str, Any], doc: dict[str, Any], upsert: bool = False
    ) -> Any:
        cached = self._cached()
        plain, doc_id, rest = _id_of(query) if cached is not None else (False, None, {})
        if cached is None or not plain:
            await self._through(writing=True)
            return await self._collection.replace_one(query, doc, upsert=upsert)
        current = await self._doc(cached, doc_id)
        if current is None and not upsert or current is not None and not _matches(current, rest):
            return _Result()
        cached.now[doc_id] = cached.encode({"_id": doc_id, **doc})
        if current is None:
            return _Result(upserted_id=doc_id)
        return _Result(matched_count=1, modified_count=int(current != {"_id": doc_id, **doc}))

    async def find_one_and_update(
        self,
        query: dict[str, Any],
        update: dict[str, Any],
        projection: Any = None,
        upsert: bool = False,
        return_document: bool = ReturnDocument.BEFORE,
    ) -> Any:
        found = await self._update(query, update, upsert)
        if found is None:
            return await self._collection.find_one_and_update(
                query, update, projection, upsert=upsert, return_document=return_document
            )
        _, before, after = found
        return _project(after if return_document == ReturnDocument.AFTER else before, projection)

    async def _update(
        self, query: dict[str, Any], update: dict[str, Any], upsert: bool
    ) -> tuple[_Result, dict[str, Any] | None, dict[str, Any] | None] | None:
        """The update applied in the batch (result, document before, after); None when the
        batch cannot answer it (flushed first, for the store to)."""
        cached = self._cached()
        plain, doc_id, rest = _id_of(query) if cached is not None else (False, None, {})
        if cached is None or not plain or not set(update) <= _UPDATE_OPERATORS:
            await self._through(writing=True)
            return None
        before = await self._doc(cached, doc_id)
        if before is not None and not _matches(before, rest):
            return _Result(), None, None
        if before is None and not upsert:
            return _Result(), None, None
        inserting = before is None
        doc = {"_id": doc_id, **rest} if inserting else cached.decode(cached.now[doc_id])
        assert doc is not None
        _apply(doc, update, inserting)
        cached.now[doc_id] = cached.encode(doc)
        if inserting:
            return _Result(upserted_id=doc_id), None, doc
        return _Result(matched_count=1, modified_count=int(doc != before)), before, doc


def _in_list(ids: Any) -> bool:
    return isinstance(ids, dict) and set(ids) == {"$in"} and isinstance(ids["$in"], list)


class _CachedCursor:
    """`find` by a list of ids, answered from the batch (the documents in the order asked)."""

    def __init__(
        self, owner: BatchingCollection, cached: _Cached, ids: list[Any], projection: Any
    ) -> None:
        self._owner, self._cached, self._ids, self._projection = owner, cached, ids, projection

    async def _docs(self) -> list[dict[str, Any]]:
        await self._cached.load(self._ids)
        docs = [self._cached.decode(self._cached.now[i]) for i in dict.fromkeys(self._ids)]
        return [_project(d, self._projection) for d in docs if d is not None]  # type: ignore[misc]

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[dict[str, Any]]:
        for doc in await self._docs():
            yield doc

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        docs = await self._docs()
        return docs if length is None else docs[:length]


class _FlushedCursor:
    """`find` by any other filter during a batch: the batch is flushed, then the store asked."""

    def __init__(self, owner: BatchingCollection, query: Any, projection: Any) -> None:
        self._owner, self._query, self._projection = owner, query, projection
        self._shape: list[tuple[str, tuple[Any, ...]]] = []

    def sort(self, *args: Any) -> _FlushedCursor:
        self._shape.append(("sort", args))
        return self

    def skip(self, *args: Any) -> _FlushedCursor:
        self._shape.append(("skip", args))
        return self

    def limit(self, *args: Any) -> _FlushedCursor:
        self._shape.append(("limit", args))
        return self

    async def _cursor(self) -> Any:
        await self._owner._through()
        cursor = self._owner._collection.find(self._query, self._projection)
        for name, args in self._shape:
            cursor = getattr(cursor, name)(*args)
        return cursor

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[dict[str, Any]]:
        async for doc in await self._cursor():
            yield doc

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        return await (await self._cursor()).to_list(length)


class _BatchingDatabase:
    def __init__(self, database: Any, known: KnownIds) -> None:
        self._database = database
        self._known = known

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database, name)

    def __getitem__(self, name: str) -> BatchingCollection:
        return BatchingCollection(self._database[name], self._known)


class Batching:
    """A Mongo client whose collections take part in the batch open in the calling task."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.known = KnownIds()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    def __getitem__(self, name: str) -> _BatchingDatabase:
        return _BatchingDatabase(self.client[name], self.known)
