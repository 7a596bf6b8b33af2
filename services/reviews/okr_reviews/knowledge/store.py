"""What the review service learned, kept in its knowledge table (`review_knowledge`, see
`okr_shared.knowledge_table`): how an event folds into it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from okr_reviews.knowledge.domain import Doc, fold, key_of, kind_of
from okr_shared.knowledge_table import KnowledgeTable

TABLE = "review_knowledge"
KnowledgeStore = KnowledgeTable
"""The knowledge table's interface, as this service's features ask it."""


def apply_event(
    store: KnowledgeStore,
    tenant_id: str,
    event_type: str,
    data: dict[str, Any],
    sequence: int,
    at: datetime,
) -> Doc | None:
    """Folds one event into the knowledge; the document written, or None if not needed, already
    known or not applicable yet."""
    kind = kind_of(event_type)
    if kind is None:
        return None
    key = key_of(kind, data)
    version, current = store.load(tenant_id, kind, key)
    if sequence <= version:
        return None
    doc = fold(current, event_type, data, at, sequence)
    if doc is None or not store.store(tenant_id, kind, key, sequence, doc):
        return None
    return doc
