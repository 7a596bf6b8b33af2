"""Batches of check-ins from other systems: each item recorded once, whatever the retries."""

from __future__ import annotations

from okr_checkins import keys
from okr_checkins.check_ins.commands import RecordCheckIn
from okr_checkins.check_ins.domain import CheckIn
from okr_checkins.check_ins.handlers import CheckInHandlers
from okr_checkins.feed.commands import FeedItem, FeedResult
from okr_checkins.knowledge.handlers import GoalKnowledge
from okr_shared.errors import DomainError, Forbidden
from okr_shared.event_meta import Caller


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
        results = []
        for i, item in enumerate(items):
            check_in_id = keys.integration_check_in_id(caller.tenant_id, item.source_key)
            try:
                existing = self._existing(caller, item)
                if existing is not None:
                    results.append(
                        FeedResult(i, item.source_key, "duplicate", existing["check_in_id"])
                    )
                    continue
                self.check_ins.record_check_in(
                    RecordCheckIn(item.key_result_id, item.report),
                    caller,
                    "integration",
                    item.source_key,
                    check_in_id,
                )
                results.append(FeedResult(i, item.source_key, "recorded", check_in_id))
            except DomainError as exc:
                field = getattr(exc, "field", "#")
                results.append(
                    FeedResult(
                        i,
                        item.source_key,
                        "rejected",
                        problem={
                            "status": exc.status,
                            "title": exc.title,
                            "pointer": f"#/items/{i}{field[1:]}"
                            if field.startswith("#")
                            else field,
                            "detail": str(exc),
                        },
                    )
                )
        return results

    def _existing(self, caller: Caller, item: FeedItem) -> CheckIn | None:
        index = self.goals.knowledge.load(caller.tenant_id, "key_result", item.key_result_id)[1]
        if index is None:
            return None
        log = self.check_ins.log_of(caller.tenant_id, item.key_result_id)
        return log.by_source_key(item.source_key) if log else None
