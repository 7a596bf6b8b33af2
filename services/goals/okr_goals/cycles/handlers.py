"""Cycle commands: plan a cycle and move it through planning, active, grading and closed."""

from __future__ import annotations

from okr_goals import keys
from okr_goals.cycles.commands import AdvanceCycle, PlanCycle
from okr_goals.cycles.domain import Cycle
from okr_goals.errors import AlreadyExists, Forbidden
from okr_goals.store import CYCLES_ROSTER, GoalsStore
from okr_shared.event_meta import Caller


class CycleHandlers:
    """Cycles are set up by admins; planning the same cycle twice is harmless."""

    def __init__(self, store: GoalsStore) -> None:
        self.store = store

    def plan_cycle(self, command: PlanCycle, caller: Caller) -> tuple[Cycle, bool]:
        """The cycle and whether it was newly planned."""
        _require_admin(caller, "#/cycle_id", "only admins plan cycles")
        existing = self.store.find_cycle(caller.tenant_id, command.cycle_id)
        wanted = (
            command.name,
            command.cadence,
            command.starts_on.isoformat(),
            command.ends_on.isoformat(),
        )
        if existing is not None:
            if (existing.name, existing.cadence, existing.starts_on, existing.ends_on) != wanted:
                raise AlreadyExists(
                    "#/cycle_id", f"cycle {command.cycle_id} exists with other settings"
                )
            return existing, False

        def build() -> list:
            cycle = Cycle.plan(
                aggregate_id=keys.cycle_uuid(caller.tenant_id, command.cycle_id),
                cycle_id=command.cycle_id,
                name=command.name,
                cadence=command.cadence,
                starts_on=command.starts_on,
                ends_on=command.ends_on,
                meta=caller.meta,
            )
            roster = self.store.roster(caller.tenant_id, CYCLES_ROSTER)
            roster.enrol([command.cycle_id])
            return [cycle, roster]

        cycle = self.store.save_retrying(build)[0]
        return cycle, True

    def advance_cycle(self, command: AdvanceCycle, caller: Caller) -> Cycle:
        _require_admin(caller, "#/state", "only admins change a cycle's state")
        cycle = self.store.cycle(caller.tenant_id, command.cycle_id)
        cycle.advance(command.state, command.reason, caller.meta)
        self.store.save_checked([cycle])
        return cycle

    def get_cycle(self, tenant_id: str, cycle_id: str) -> Cycle:
        """The cycle (raises CycleNotFound)."""
        return self.store.cycle(tenant_id, cycle_id)

    def list_cycles(self, tenant_id: str) -> list[Cycle]:
        cycles = (
            self.store.find_cycle(tenant_id, c)
            for c in self.store.roster_members(tenant_id, CYCLES_ROSTER)
        )
        return [c for c in cycles if c is not None]


def _require_admin(caller: Caller, field: str, message: str) -> None:
    if not caller.is_admin:
        raise Forbidden(field, message)
