"""Alignment: objectives supporting parents, top-down at once or bottom-up by proposal, never in a
circle."""

from __future__ import annotations

from dataclasses import dataclass

from okr_goals import access
from okr_goals.alignment.commands import Align, DecideProposal, RemoveAlignment
from okr_goals.errors import AlignmentCycle, Forbidden, UnknownReference, VersionConflict
from okr_goals.objectives.domain import Objective
from okr_goals.objectives.handlers import ObjectiveHandlers
from okr_goals.store import GoalsStore
from okr_shared.event_meta import Caller


@dataclass(frozen=True)
class AlignOutcome:
    objective: Objective
    linked: bool
    proposal_id: str | None = None


class AlignmentHandlers:
    """Links between objectives; changes are serialised per tenant so two links cannot close a
    circle."""

    def __init__(self, store: GoalsStore, objectives: ObjectiveHandlers) -> None:
        self.store = store
        self.objectives = objectives

    def align(self, command: Align, caller: Caller) -> AlignOutcome:
        """Links at once if the caller decides for the parent; otherwise proposes the link to its
        owner."""
        change = command.change
        with self.store.tenant_lock(caller.tenant_id):
            child = self.objectives.load_for_change(change, caller)
            parent = self._parent(caller, command.parent_objective_id)
            child.check_parent(parent)
            if child.alignment_weight(str(parent.id)) is None:
                self._refuse_circle(caller, child, parent)
            if access.may_change(self.store, caller, parent):
                child.align(
                    str(parent.id),
                    command.weight,
                    None,
                    change.reason,
                    change.correction,
                    caller.meta,
                )
                self.store.save_checked([child], change.expected_version)
                return AlignOutcome(child, linked=True)
            proposal_id = str(self.objectives.new_id())
            child.propose_alignment(
                proposal_id, str(parent.id), command.weight, command.note, caller.meta
            )
            self.store.save_checked([child], change.expected_version)
            return AlignOutcome(child, linked=False, proposal_id=proposal_id)

    def remove_alignment(self, command: RemoveAlignment, caller: Caller) -> Objective:
        change = command.change
        with self.store.tenant_lock(caller.tenant_id):
            child = self.objectives.load_for_change(change, caller)
            child.remove_alignment(
                command.parent_objective_id, change.reason, change.correction, caller.meta
            )
            self.store.save_checked([child], change.expected_version)
            return child

    def decide_proposal(self, command: DecideProposal, caller: Caller) -> Objective:
        """The parent's owner accepts (the link is made) or declines a bottom-up proposal."""
        change = command.change
        with self.store.tenant_lock(caller.tenant_id):
            child = self.objectives.get_objective(caller, change.objective_id)
            if child.version != change.expected_version:
                raise VersionConflict(change.expected_version, child.version)
            proposal = child.proposal(command.proposal_id)
            parent = self._parent(caller, proposal["parent_objective_id"])
            if not access.may_change(self.store, caller, parent):
                raise Forbidden(
                    "#", "only those who may change the parent objective decide on the proposal"
                )
            child = self.objectives.load_for_change(change, caller, as_owner=False)
            if command.accept:
                self._refuse_circle(caller, child, parent)
                child.align(
                    str(parent.id),
                    proposal["weight"],
                    command.proposal_id,
                    change.reason,
                    change.correction,
                    caller.meta,
                )
            else:
                child.decline_proposal(command.proposal_id, change.reason, caller.meta)
            self.store.save_checked([child], change.expected_version)
            return child

    def _parent(self, caller: Caller, parent_id: str) -> Objective:
        parent = self.store.find(Objective, parent_id, caller.tenant_id)
        if parent is None or not access.may_read(self.store, caller, parent):
            raise UnknownReference("#/parent_objective_id", f"unknown objective {parent_id}")
        return parent

    def _refuse_circle(self, caller: Caller, child: Objective, parent: Objective) -> None:
        """Raises if the child is already among the parent's ancestors (the link would close a
        circle)."""
        target = str(child.id)
        stack: list[tuple[Objective, list[str]]] = [(parent, [str(parent.id)])]
        seen: set[str] = set()
        while stack:
            current, path = stack.pop()
            for ancestor_id in current.parent_ids():
                if ancestor_id == target:
                    circle = " -> ".join([target, *path, target])
                    raise AlignmentCycle(
                        "#/parent_objective_id", f"the link would make a circle: {circle}"
                    )
                if ancestor_id in seen:
                    continue
                seen.add(ancestor_id)
                ancestor = self.store.find(Objective, ancestor_id, caller.tenant_id)
                if ancestor is not None:
                    stack.append((ancestor, [*path, ancestor_id]))
