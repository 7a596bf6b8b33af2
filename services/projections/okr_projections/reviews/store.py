"""Review logs (collection `objective_reviews`): every review event of an objective, kept once by
review and version, read by key only.

The log is not guarded by one `version` (the events of a review may arrive in any order), but by
the set of versions it holds: an event already held changes nothing, and a write succeeds only
if the log is still as read (`rev`, the number of events held).
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from okr_projections.documents import Document, UnprojectableEvent
from okr_projections.reviews.domain import add_event, holds, log_key
from okr_projections.store import Folded, WritePolicy

COLLECTION = "objective_reviews"


class ReviewStore:
    """Reads and writes of the review logs of objectives."""

    def __init__(
        self,
        client: AsyncMongoClient,
        database: str,
        policy: WritePolicy | None = None,
        max_attempts: int = 5,
    ) -> None:
        self.policy = policy or WritePolicy()
        self._collection = client[database][COLLECTION]
        self._max_attempts = max_attempts

    async def ensure_indexes(self) -> None:
        """Review logs are read by key only."""

    async def apply(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> Folded:
        """Adds the event to its objective's log (not applied if the log already holds it)."""
        tenant_id = meta["tenant_id"]
        key = log_key(tenant_id, data["objective_id"])
        for _ in range(self._max_attempts):
            current = await self._collection.find_one({"_id": key})
            if current is not None and current["tenant_id"] != tenant_id:
                raise UnprojectableEvent(f"review log {key} belongs to another tenant")
            if holds(current, data["review_id"], meta["version"]):
                return Folded(False, current)
            try:
                doc = add_event(current, event_type, data, meta)
            except UnprojectableEvent:
                raise
            except (KeyError, TypeError, ValueError) as exc:
                raise UnprojectableEvent(
                    f"cannot fold version {meta['version']} into {key}: {exc!r}"
                ) from exc
            if current is None:
                try:
                    await self._collection.insert_one(doc)
                except DuplicateKeyError:
                    continue
                return Folded(True, doc)
            result = await self._collection.update_one(
                self.policy.filter(key, rev=current["rev"]),
                {"$set": {"events": doc["events"], "rev": doc["rev"]}},
            )
            if result.matched_count == 1:
                return Folded(True, doc)
        raise RuntimeError(f"could not add version {meta['version']} to {key}: concurrent writers")

    async def get(self, tenant_id: str, objective_id: str) -> Document | None:
        return await self._collection.find_one({"_id": log_key(tenant_id, objective_id)})
