"""Batches of check-ins from other systems: each item recorded once, whatever the retries.

A batch is validated item by item against logs loaded once per key result, and the logs are
committed together in one transaction. Should that commit conflict with concurrent check-ins
even after a few fresh tries, or break a contract, the items are recorded one by one instead, so
only the items at fault are rejected.
"""

from __future__ import annotations

from okr_checkins import keys
from okr_checkins.check_ins.commands import RecordCheckIn
from okr_checkins.check_ins.domain import CheckIn, KeyResultLog
from okr_checkins.check_ins.handlers import CheckInHandlers
from okr_checkins.feed.commands import FeedItem, FeedResult
from okr_checkins.knowledge.handlers import GoalKnowledge
from okr_shared.errors import DomainError, Forbidden, InvalidField, VersionConflict
from okr_shared.event_meta import Caller

BATCH_ATTEMPTS = 3
"""How often a batch is prepared again from fresh logs after a concurrent check-in."""


class FeedHandlers:
    """Records an integration's items through the check-in handlers."""

    def __init__(self, check_ins: CheckInHandlers, goals: GoalKnowledge) -> None:
        self.check_ins = check_ins
        self.goals = goals

    def feed(self, items: list[FeedItem], caller: Caller) -> list[FeedResult]:
        """Values from an integration, one idempotency key per item; a retried batch records
        nothing twice."""
        if not caller.roles & {"admin", "integration"}:
            raise Forbidden("#", "the feed is for integrations (role integration) and admins")
        for _ in range(BATCH_ATTEMPTS):
            logs: dict[str, KeyResultLog | None] = {}
            results = [self._prepared(i, item, caller, logs) for i, item in enumerate(items)]
            changed = [log for log in logs.values() if log is not None and log.pending_events]
            try:
                if changed:
                    self.check_ins.store.commit(*changed)
                return results
            except VersionConflict:
                continue
            except InvalidField:
                break
        return [self._alone(i, item, caller) for i, item in enumerate(items)]

    def _prepared(
        self, i: int, item: FeedItem, caller: Caller, logs: dict[str, KeyResultLog | None]
    ) -> FeedResult:
        """The item validated and added to its log in `logs` (the logs loaded, by key result),
        or why not."""
        check_in_id = keys.integration_check_in_id(caller.tenant_id, item.source_key)
        try:
            existing = self._existing(caller, item, logs)
            if existing is not None:
                return FeedResult(i, item.source_key, "duplicate", existing["check_in_id"])
            self.check_ins.prepared_check_in(
                RecordCheckIn(item.key_result_id, item.report),
                caller,
                logs,
                item.source_key,
                check_in_id,
            )
            return FeedResult(i, item.source_key, "recorded", check_in_id)
        except DomainError as exc:
            return _rejected(i, item, exc)

    def _alone(self, i: int, item: FeedItem, caller: Caller) -> FeedResult:
        """The item recorded in a transaction of its own, or why not."""
        check_in_id = keys.integration_check_in_id(caller.tenant_id, item.source_key)
        try:
            existing = self._existing(caller, item, {})
            if existing is not None:
                return FeedResult(i, item.source_key, "duplicate", existing["check_in_id"])
            self.check_ins.record_check_in(
                RecordCheckIn(item.key_result_id, item.report),
                caller,
                "integration",
                item.source_key,
                check_in_id,
            )
            return FeedResult(i, item.source_key, "recorded", check_in_id)
        except DomainError as exc:
            return _rejected(i, item, exc)

    def _existing(
        self, caller: Caller, item: FeedItem, logs: dict[str, KeyResultLog | None]
    ) -> CheckIn | None:
        """The check-in recorded for the item's key, if any; the log loaded is kept in `logs`."""
        if item.key_result_id not in logs:
            index = self.goals.knowledge.load(caller.tenant_id, "key_result", item.key_result_id)[1]
            if index is None:
                return None
            logs[item.key_result_id] = self.check_ins.log_of(caller.tenant_id, item.key_result_id)
        log = logs[item.key_result_id]
        return log.by_source_key(item.source_key) if log else None


def _rejected(i: int, item: FeedItem, exc: DomainError) -> FeedResult:
    field = getattr(exc, "field", "#")
    return FeedResult(
        i,
        item.source_key,
        "rejected",
        problem={
            "status": exc.status,
            "title": exc.title,
            "pointer": f"#/items/{i}{field[1:]}" if field.startswith("#") else field,
            "detail": str(exc),
        },
    )
