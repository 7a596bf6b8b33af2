"""Feedback on goals: praise, suggestions and concerns on an objective and its key results."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_checkins.text import check_text
from okr_shared.contracts.vocabulary import FEEDBACK_KINDS
from okr_shared.errors import InvalidField


class FeedbackThread(Aggregate):
    """Praise, suggestions and concerns on one objective and its key results."""

    @event("Opened")
    def __init__(self, tenant_id: str, objective_id: str) -> None:
        self.tenant_id = tenant_id
        self.objective_id = objective_id
        self.items: list[dict[str, Any]] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, objective_id: str) -> FeedbackThread:
        return cls._create(
            cls.Opened, id=aggregate_id, tenant_id=tenant_id, objective_id=objective_id
        )

    def give(
        self,
        feedback_id: str,
        key_result_id: str | None,
        kind: str,
        text: str,
        author_id: str,
        meta: dict[str, Any],
    ) -> None:
        if kind not in FEEDBACK_KINDS:
            raise InvalidField("#/kind", f"must be one of {', '.join(FEEDBACK_KINDS)}")
        check_text(text)
        self._given(
            feedback_id=feedback_id,
            objective_id=self.objective_id,
            key_result_id=key_result_id,
            kind=kind,
            text=text,
            author_id=author_id,
            meta=meta,
        )

    @event("Given")
    def _given(
        self,
        feedback_id: str,
        objective_id: str,
        key_result_id: str | None,
        kind: str,
        text: str,
        author_id: str,
        meta: dict[str, Any],
    ) -> None:
        self.items = [
            *self.items,
            {
                "feedback_id": feedback_id,
                "key_result_id": key_result_id,
                "kind": kind,
                "text": text,
                "author_id": author_id,
                "given_at": meta.get("at"),
            },
        ]
