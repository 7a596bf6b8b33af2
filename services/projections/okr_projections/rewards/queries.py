"""Queries over the reward read models: a person's rewards, a cycle's budgets used per unit and
its fairness report, each for those who may see it.

A person's rewards: the person, everyone above them, admins and auditors (the rule of the
incentive service's ledger, `okr_shared.access.may_see_work_of`). Budgets and fairness: admins
and auditors over every unit, leaders over their unit and the units below it (the rule of a
unit's history); anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okr_projections.ambition.domain import may_see_unit_history
from okr_projections.directory.queries import DirectoryQueries
from okr_projections.documents import Document, public_view
from okr_projections.objectives.visibility import Reader, can_read_work_of
from okr_projections.rewards.domain import THRESHOLD, budgets, fairness, person_rewards, policy_of
from okr_projections.rewards.store import RewardStore
from okr_shared import access
from okr_shared.errors import Forbidden, NotFound
from okr_shared.identity import Principal


def unit_scope(reader: Reader) -> Callable[[str | None], bool] | None:
    """Which units' rewards the reader sees in a cycle's report; None when none."""
    if reader.is_admin or reader.roles & {access.ADMIN, access.AUDITOR}:
        return lambda unit: True
    if access.LEADER not in reader.roles or reader.org_unit_id is None:
        return None
    return lambda unit: unit is not None and may_see_unit_history(reader, unit)


class RewardQueries:
    """Rewards, budgets and fairness from the reward read models."""

    def __init__(self, rewards: RewardStore | None, directory: DirectoryQueries) -> None:
        self.rewards = rewards
        self.directory = directory

    async def person_rewards(self, principal: Principal, person_id: str) -> dict[str, Any]:
        """The person's entries per cycle and their balance."""
        if not can_read_work_of(person_id, await self.directory.reader(principal)):
            raise Forbidden(
                "path:person_id",
                f"only {person_id}, the people above them, admins and auditors see their rewards",
            )
        records = (
            await self.rewards.of_person(principal.tenant_id, person_id) if self.rewards else []
        )
        return public_view(person_rewards(person_id, records))

    async def budgets(self, principal: Principal, cycle_id: str) -> dict[str, Any]:
        """Per org unit in the reader's scope: budget, granted, adjusted, remaining."""
        visible = await self._scope(principal)
        records, header, policy = await self._cycle(principal.tenant_id, cycle_id)
        return {**header, "units": budgets(records, policy, visible)}

    async def fairness(
        self, principal: Principal, cycle_id: str, threshold: float = THRESHOLD
    ) -> dict[str, Any]:
        """The cycle's awards in the reader's scope by unit, level, commitment and manager, and
        the units flagged against the rest."""
        visible = await self._scope(principal)
        records, header, policy = await self._cycle(principal.tenant_id, cycle_id)
        mine = [r for r in records if visible(r["entries"][-1]["org_unit_id"])]
        managers = {}
        for record in mine:
            person = await self.directory.person(principal, record["person_id"])
            managers[record["person_id"]] = person.get("manager_id") if person else None
        return {**header, **fairness(mine, policy, managers, threshold)}

    async def _scope(self, principal: Principal) -> Callable[[str | None], bool]:
        visible = unit_scope(await self.directory.reader(principal))
        if visible is None:
            raise Forbidden(
                "#", "only admins, auditors and leaders (of their unit and below) see this"
            )
        return visible

    async def _cycle(
        self, tenant_id: str, cycle_id: str
    ) -> tuple[list[Document], dict[str, Any], Document | None]:
        """The cycle's records, what the answer says of its policy, and the policy version its
        awards stand on (None while not projected)."""
        if self.rewards is None:
            raise NotFound("rewards of cycle", cycle_id)
        records = await self.rewards.of_cycle(tenant_id, cycle_id)
        binding = await self.rewards.binding(tenant_id, cycle_id)
        if binding is None and not records:
            raise NotFound("rewards of cycle", cycle_id)
        policy_id, version = (
            (binding["policy_id"], binding["policy_version"]) if binding else policy_of(records[0])
        )
        policy = await self.rewards.policy_version(tenant_id, policy_id, version)
        header = {
            "cycle_id": cycle_id,
            "policy_id": policy_id,
            "policy_version": version,
            "bound": binding is not None,
            "policy_known": policy is not None,
        }
        return records, header, policy
