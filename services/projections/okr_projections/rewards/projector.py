"""Folds the incentive service's policies, bindings and award entries into the reward read
models; payroll exports are skipped (see `domain.NOT_PROJECTED`)."""

from __future__ import annotations

from typing import Any

from okr_projections.documents import UnprojectableEvent
from okr_projections.projector import Handle, skip
from okr_projections.rewards.domain import (
    BINDING_EVENTS,
    ENTRY_EVENTS,
    NOT_PROJECTED,
    POLICY_EVENTS,
    binding_doc,
    policy_doc,
)
from okr_projections.rewards.store import BINDINGS, POLICIES, RewardStore


class RewardProjector:
    """The reward records, bindings and policy versions."""

    def __init__(self, rewards: RewardStore) -> None:
        self.rewards = rewards

    async def entry(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the award entry was new to the person's record."""
        return (await self.rewards.apply_entry(event_type, data, meta)).applied

    async def bound(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        return await self.rewards.insert_once(BINDINGS, self._doc(binding_doc, data, meta))

    async def policy(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        return await self.rewards.insert_once(POLICIES, self._doc(policy_doc, data, meta))

    @staticmethod
    def _doc(build: Any, data: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
        try:
            return build(data, meta)
        except (KeyError, TypeError) as exc:
            raise UnprojectableEvent(f"cannot project {data!r}: {exc!r}") from exc

    def handlers(self) -> dict[str, Handle]:
        """The handler of every incentive event this projector decides on."""
        return {
            **dict.fromkeys(ENTRY_EVENTS, self.entry),
            **dict.fromkeys(BINDING_EVENTS, self.bound),
            **dict.fromkeys(POLICY_EVENTS, self.policy),
            **dict.fromkeys(NOT_PROJECTED, skip),
        }
