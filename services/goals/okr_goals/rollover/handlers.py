"""Rollover: unfinished objectives and key results are copied into the next cycle, with their
lineage."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from okr_goals import access, keys
from okr_goals.errors import CycleLocked, Forbidden, InvalidField, UnknownReference
from okr_goals.objectives.domain import LEVEL_RANK, STATUSES, Objective
from okr_goals.objectives.handlers import ObjectiveHandlers
from okr_goals.rollover.commands import RolloverCycle
from okr_goals.store import GoalsStore, cycle_roster
from okr_shared.contracts.vocabulary import choose
from okr_shared.event_meta import Caller

UNFINISHED = choose(STATUSES, "draft", "active")


@dataclass
class RolloverReport:
    copies: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


class RolloverHandlers:
    """Rollover of a cycle's unfinished objectives; references are checked as when objectives are
    set."""

    def __init__(self, store: GoalsStore, objectives: ObjectiveHandlers) -> None:
        self.store = store
        self.objectives = objectives

    def rollover(self, command: RolloverCycle, caller: Caller) -> RolloverReport:
        """Copies unfinished objectives (draft or active, not yet rolled over) into `to_cycle_id`.

        Links to parents that are copied too point to the copies; links to parents in other
        cycles (e.g. a yearly objective) are kept; links to parents left behind are dropped.
        All copies and the marks on their sources are saved in one transaction.
        """
        if command.to_cycle_id == command.from_cycle_id:
            raise InvalidField("#/to_cycle_id", "must differ from the cycle rolled over")
        self.objectives.cycle_ref(caller, command.from_cycle_id, "#/from_cycle_id")
        target_cycle = self.objectives.cycle_ref(caller, command.to_cycle_id, "#/to_cycle_id")
        if target_cycle.is_locked:
            raise CycleLocked("#/to_cycle_id", f"cycle {target_cycle.cycle_id} is closed")
        report = RolloverReport()
        sources = self._sources(caller, command, report)
        sources.sort(key=lambda o: LEVEL_RANK[o.level])
        copies: dict[str, Objective] = {}
        for source in sources:
            copies[str(source.id)] = self._copy(source, command, caller, copies, target_cycle.state)
            source.mark_rolled_over(
                str(copies[str(source.id)].id), command.to_cycle_id, caller.meta
            )
        if not copies:
            return report
        rosters = {}
        for copy in copies.values():
            name = cycle_roster(command.to_cycle_id, copy.id)
            rosters.setdefault(name, self.store.roster(caller.tenant_id, name)).enrol(
                [str(copy.id)]
            )
        self.store.save_checked([*sources, *copies.values(), *rosters.values()])
        report.copies = {source: str(copy.id) for source, copy in copies.items()}
        return report

    def _sources(
        self, caller: Caller, command: RolloverCycle, report: RolloverReport
    ) -> list[Objective]:
        members = self.store.cycle_members(caller.tenant_id, command.from_cycle_id)
        wanted = members if command.objective_ids is None else list(command.objective_ids)
        sources = []
        for i, objective_id in enumerate(wanted):
            objective = self.store.find(Objective, objective_id, caller.tenant_id)
            if objective is None or objective.cycle_id != command.from_cycle_id:
                raise UnknownReference(
                    f"#/objective_ids/{i}", f"no objective {objective_id} in the cycle"
                )
            if objective.status not in UNFINISHED:
                report.skipped[objective_id] = f"status {objective.status}"
                continue
            if objective.rolled_over_to is not None:
                report.skipped[objective_id] = "already rolled over"
                continue
            if not access.may_change(self.store, caller, objective):
                raise Forbidden(
                    f"#/objective_ids/{i}", f"you may not roll over objective {objective_id}"
                )
            sources.append(objective)
        return sources

    def _copy(
        self,
        source: Objective,
        command: RolloverCycle,
        caller: Caller,
        copies: dict[str, Objective],
        target_state: str,
    ) -> Objective:
        copy_id = keys.rollover_uuid(source.id, command.to_cycle_id)
        key_results, lineage = [], {}
        for kr in source.key_results:
            if kr.key_result_id in command.exclude_key_result_ids:
                continue
            new_kr = replace(kr, key_result_id=str(self.objectives.new_id()))
            key_results.append(new_kr)
            lineage[new_kr.key_result_id] = kr.key_result_id
        alignments = []
        for link in source.alignments:
            parent_id = link["parent_objective_id"]
            if parent_id in copies:
                alignments.append((str(copies[parent_id].id), link["weight"]))
            else:
                parent = self.store.find(Objective, parent_id, caller.tenant_id)
                if parent is not None and parent.cycle_id != source.cycle_id:
                    alignments.append((parent_id, link["weight"]))
        copy = Objective.create(
            objective_id=copy_id,
            title=source.title,
            description=source.description,
            level=source.level,
            owner_type=source.owner_type,
            owner_id=source.owner_id,
            org_unit_id=source.org_unit_id,
            cycle_id=command.to_cycle_id,
            tags=list(source.tags),
            visibility=source.visibility,
            status="draft" if target_state == "planning" else "active",
            commitment=source.commitment,
            key_results=key_results,
            alignments=alignments,
            meta=caller.meta,
            rolled_over_from={
                "objective_id": str(source.id),
                "cycle_id": source.cycle_id,
                "key_results": lineage,
            },
        )
        for item in source.initiatives:
            if item.status != "done" and item.key_result_id in lineage.values():
                new_kr_id = next(k for k, v in lineage.items() if v == item.key_result_id)
                copy.add_initiative(
                    replace(
                        item, initiative_id=str(self.objectives.new_id()), key_result_id=new_kr_id
                    ),
                    None,
                    False,
                    caller.meta,
                )
        return copy
