"""Which database of the document store holds the read models: a pointer document that readers
and the consumer follow, so a rebuilt database replaces the live one in one atomic update.

The collection `control` of the base database (`OKR_PROJECTIONS_DB`) holds three kinds of
document: `active` (the database followed; absent: the base database itself), one
`follower:<id>` per running projections process (the database it follows and when it last
looked) and `rebuild` (the state of a rebuild under way, written by `okr projections rebuild`).
No read model is ever stored in `control`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

CONTROL = "control"
ACTIVE = "active"
REBUILD = "rebuild"
FOLLOWER = "follower:"


class Pointer:
    """Reads and moves the pointer of the read models of `base`, and who follows it."""

    def __init__(self, client: AsyncMongoClient, base: str) -> None:
        self.base = base
        self.control = client[base][CONTROL]

    async def active(self) -> str:
        """The database readers and the consumer use now."""
        doc = await self.control.find_one({"_id": ACTIVE})
        return doc["database"] if doc else self.base

    async def switch(self, database: str, expected: str) -> bool:
        """Points at `database` in one update, if the pointer still names `expected`; whether it
        moved."""
        now = datetime.now(UTC)
        fields = {"database": database, "previous": expected, "switched_at": now}
        if expected == self.base and await self.control.find_one({"_id": ACTIVE}) is None:
            try:
                await self.control.insert_one({"_id": ACTIVE, **fields})
                return True
            except DuplicateKeyError:
                return False
        result = await self.control.update_one(
            {"_id": ACTIVE, "database": expected}, {"$set": fields}
        )
        return result.matched_count == 1

    async def followed(self, follower_id: str, database: str) -> None:
        """Records that the process `follower_id` reads and writes `database` from now on."""
        await self.control.update_one(
            {"_id": FOLLOWER + follower_id},
            {"$set": {"database": database, "seen_at": datetime.now(UTC)}},
            upsert=True,
        )

    async def followers(self, within: timedelta) -> dict[str, str]:
        """The database each process that looked at the pointer within `within` follows, by id."""
        since = datetime.now(UTC) - within
        found: dict[str, str] = {}
        async for doc in self.control.find({}):
            if str(doc["_id"]).startswith(FOLLOWER) and doc["seen_at"] >= since:
                found[str(doc["_id"]).removeprefix(FOLLOWER)] = doc["database"]
        return found

    async def rebuild_state(self) -> dict[str, Any] | None:
        """The rebuild under way or last run, None if none ever ran."""
        return await self.control.find_one({"_id": REBUILD})

    async def record_rebuild(self, **fields: Any) -> None:
        """Updates the state of the rebuild."""
        await self.control.update_one({"_id": REBUILD}, {"$set": fields}, upsert=True)
