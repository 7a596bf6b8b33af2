"""What the incentive service learned, kept in its knowledge table (`incentive_knowledge`, see
`okr_shared.knowledge_table`): how an event folds into it."""

from __future__ import annotations

from okr_incentives.knowledge.domain import Doc, evidence_of, fold, key_of, kind_of
from okr_shared.cloudevents import CloudEvent
from okr_shared.knowledge_table import KnowledgeTable

TABLE = "incentive_knowledge"
KnowledgeStore = KnowledgeTable
"""The knowledge table's interface, as this service's features ask it."""


def apply_event(store: KnowledgeStore, event: CloudEvent, data: dict) -> Doc | None:
    """Folds one event into the knowledge; the document written, or None if not needed, already
    known (a duplicate: its sequence is not above the stored version) or not applicable yet."""
    context, name = event.schema_context, event.schema_name
    kind = kind_of(context, name, data)
    if kind is None:
        return None
    key = key_of(kind, data)
    version, current = store.load(event.tenantid, kind, key)
    if event.sequence <= version:
        return None
    evidence = evidence_of(event.id, event.type, event.sequence, data.get("review_id", ""))
    doc = fold(current, context, name, data, event.time, evidence)
    if doc is None or not store.store(event.tenantid, kind, key, event.sequence, doc):
        return None
    return doc
