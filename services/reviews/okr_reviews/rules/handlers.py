"""The tenant's scoring rules: the version in force, any earlier version, and new versions."""

from __future__ import annotations

from typing import Any

from okr_reviews import keys
from okr_reviews.rules.commands import SetScoringRules
from okr_reviews.rules.domain import RuleBook, RuleSet
from okr_reviews.store import ReviewsStore
from okr_shared.clock import Clock
from okr_shared.errors import Forbidden
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class RuleHandlers:
    """Versioned scoring rules per tenant; version 0 is the built-in default."""

    def __init__(self, store: ReviewsStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def book(self, tenant_id: str) -> RuleBook:
        uid = keys.rule_book_uuid(tenant_id)
        return self.store.find(RuleBook, uid, tenant_id) or RuleBook.open(uid, tenant_id)

    def in_force(self, tenant_id: str) -> tuple[int, RuleSet]:
        """The version in force now and its rules."""
        book = self.book(tenant_id)
        return book.current_version, book.rules()

    def rules(self, caller: Caller, version: int | None = None) -> dict[str, Any]:
        """A version of the tenant's rules (the one in force when None)."""
        book = self.book(caller.tenant_id)
        number = book.current_version if version is None else version
        return {"version": number, **book.rules(number)}

    def set_rules(self, command: SetScoringRules, caller: Caller) -> dict[str, Any]:
        """Checks and stores a new version; admins only."""
        if not caller.is_admin:
            raise Forbidden("#", "only an admin sets the scoring rules")
        book = self.book(caller.tenant_id)
        version = book.set_rules(
            command.rules, command.reason, event_meta(caller, self.clock.now())
        )
        self.store.save_or_conflict(book)
        return {"version": version, **book.rules(version)}
