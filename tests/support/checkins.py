"""Check-in tests start from a goal service's real events: stored, published as contracts, learned."""

from __future__ import annotations

from okr_checkins.adapters.knowledge_store import KnowledgeStore, apply_goal_event
from okr_goals.contracts import to_cloud_event
from okr_shared.contracts import default_registry


def learn_from(goals_app, knowledge: KnowledgeStore) -> int:
    """Feeds every event the goal application stored, in its published form, to the knowledge store."""
    registry = default_registry()
    first_versions: dict = {}

    def first(e):
        return first_versions.setdefault(
            e.originator_id, goals_app.repository.get(e.originator_id, version=1)
        )

    learned = 0
    for notification in goals_app.recorder.select_notifications(0, 100_000):
        event = to_cloud_event(goals_app.mapper.to_domain_event(notification), registry, first)
        if event is not None:
            data = registry.read("goals", event)
            learned += apply_goal_event(
                knowledge, event.tenantid, event.schema_name, data, event.sequence
            )
    return learned
