"""The event store of the review service: the eventsourcing Application every feature loads its
aggregates from and saves them to. Every pending event is checked against its published contract
before it is stored (`okr_shared.service_store`)."""

from __future__ import annotations

from okr_reviews.contracts import published_form
from okr_reviews.reviews.domain import Review
from okr_reviews.rules.domain import RuleBook
from okr_shared.contracts import default_registry
from okr_shared.service_store import TenantStore


class ReviewsStore(TenantStore):
    """Scoring-rule books and reviews."""

    name = "reviews"
    contract_mapping = staticmethod(published_form(default_registry()))
    snapshotting_intervals = {RuleBook: 50, Review: 100}
