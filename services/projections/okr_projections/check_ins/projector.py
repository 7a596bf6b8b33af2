"""Folds check-in events into their read model, then moves the due items and objectives they touch.

Kafka orders nothing between `okr.goals.v1` and `okr.checkins.v1`: a check-in is stored even
before its objective or key result is projected, and applied when they arrive. Each side
writes its own document first and reads the other's after, so one of them always applies it.
Derived writes (due items, objective, rollups) run even on redelivery, to finish after a crash.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from okr_projections.check_in_state import check_in_state
from okr_projections.check_ins.domain import moved_times
from okr_projections.check_ins.store import CheckInStore
from okr_projections.documents import Document
from okr_projections.due.domain import periods_containing
from okr_projections.due.store import DueStore
from okr_projections.objectives.store import ObjectiveStore
from okr_shared.contracts.vocabulary import CADENCE_EVENTS, CONVERSATION_EVENTS, FEEDBACK_EVENTS

Erased = Callable[[str, str], Awaitable[bool]]
"""Whether a person of a tenant was erased (their check-ins' texts are erased as they arrive,
for check-ins read from Kafka after the erasure)."""

NOT_PROJECTED = CADENCE_EVENTS | CONVERSATION_EVENTS | FEEDBACK_EVENTS
"""Events of the check-in context no read model needs."""


class CheckInProjector:
    """The check-in read model and what it changes in the due items and objective documents."""

    def __init__(
        self,
        objectives: ObjectiveStore,
        check_ins: CheckInStore,
        due: DueStore,
        erased: Erased | None = None,
    ) -> None:
        self.objectives = objectives
        self.check_ins = check_ins
        self.due = due
        self.erased = erased

    async def erase(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """On `PersonalDataErased`: the texts of the person's check-ins erased."""
        return await self.check_ins.erase_reporter(meta["tenant_id"], data["person_id"]) > 0

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the check-in or correction changed its key result's document."""
        tenant_id, key_result_id = meta["tenant_id"], data["key_result_id"]
        folded = await self.check_ins.apply(data, meta)
        if self.erased is not None and await self.erased(tenant_id, meta["actor_id"]):
            await self.check_ins.erase_reporter(tenant_id, meta["actor_id"], key_result_id)
        log = folded.doc
        periods = periods_containing(log["reminder_periods"], moved_times(log, data))
        await self.due.settle(tenant_id, key_result_id, periods, log["check_ins"])
        moved = await self.objectives.apply_check_ins(
            tenant_id, log["objective_id"], {key_result_id: check_in_state(log["check_ins"])}
        )
        if moved is not None:
            await self.objectives.refresh_rollups(tenant_id, moved)
        return folded.applied

    async def apply_stored(
        self, tenant_id: str, objective_id: str, key_result_ids: list[str]
    ) -> Document | None:
        """Applies the stored check-ins of key results that just arrived; the objective after.

        None when none of them has check-ins."""
        states = await self.check_ins.states(tenant_id, key_result_ids)
        return (
            await self.objectives.apply_check_ins(tenant_id, objective_id, states)
            if states
            else None
        )
