"""Feedback on goals, readable by whoever may read the goal."""

from __future__ import annotations

import uuid
from typing import Any

from okr_checkins import keys
from okr_checkins.feedback.commands import GiveFeedback
from okr_checkins.feedback.domain import FeedbackThread
from okr_checkins.knowledge.handlers import GoalKnowledge
from okr_checkins.knowledge.refusals import confirms_refusals
from okr_checkins.store import CheckinsStore
from okr_checkins.text import check_text
from okr_shared.clock import Clock
from okr_shared.errors import UnknownReference
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class FeedbackHandlers:
    """Gives and lists feedback on objectives and their key results."""

    def __init__(self, store: CheckinsStore, goals: GoalKnowledge, clock: Clock) -> None:
        self.store = store
        self.goals = goals
        self.clock = clock

    @confirms_refusals
    def give_feedback(self, command: GiveFeedback, caller: Caller) -> dict[str, Any]:
        objective = self.goals.objective(caller, command.objective_id)
        if (
            command.key_result_id is not None
            and command.key_result_id not in objective["key_results"]
        ):
            self.goals.refuse(
                UnknownReference(
                    "#/key_result_id", f"the objective has no key result {command.key_result_id}"
                )
            )
        uid = keys.feedback_uuid(caller.tenant_id, command.objective_id)
        thread = self.store.find(FeedbackThread, uid, caller.tenant_id) or FeedbackThread.open(
            uid, caller.tenant_id, command.objective_id
        )
        check_text(command.text)
        thread.give(
            str(uuid.uuid4()),
            command.key_result_id,
            command.kind,
            self.store.personal.seal(caller.tenant_id, caller.actor_id, command.text),
            caller.actor_id,
            event_meta(caller, self.clock.now()),
        )
        self.store.save_or_conflict(thread)
        return self.store.personal.opened(thread.items[-1])

    @confirms_refusals
    def feedback(self, caller: Caller, objective_id: str) -> list[dict[str, Any]]:
        self.goals.objective(caller, objective_id)
        thread = self.store.find(
            FeedbackThread, keys.feedback_uuid(caller.tenant_id, objective_id), caller.tenant_id
        )
        return self.store.personal.opened(list(thread.items) if thread else [])
