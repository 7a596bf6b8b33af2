"""What the check-in service learned of goals, kept in its knowledge table (`goal_knowledge`, see
`okr_shared.knowledge_table`): how a goal event folds into it."""

from __future__ import annotations

from typing import Any

from okr_checkins.knowledge.domain import fold, key_of, kind_of
from okr_shared.knowledge_table import KnowledgeTable

TABLE = "goal_knowledge"
KnowledgeStore = KnowledgeTable
"""The knowledge table's interface, as this service's features ask it."""


def apply_goal_event(
    store: KnowledgeStore, tenant_id: str, event_type: str, data: dict[str, Any], sequence: int
) -> bool:
    """Folds one goal event into the knowledge; False if not needed, already known or not
    applicable yet."""
    kind = kind_of(event_type)
    if kind is None:
        return False
    key = key_of(kind, data)
    version, current = store.load(tenant_id, kind, key)
    if sequence <= version:
        return False
    doc = fold(current, event_type, data)
    if doc is None:
        return False
    if kind == "objective":
        for key_result_id in doc["key_results"]:
            store.store(tenant_id, "key_result", key_result_id, sequence, {"objective_id": key})
    return store.store(tenant_id, kind, key, sequence, doc)
