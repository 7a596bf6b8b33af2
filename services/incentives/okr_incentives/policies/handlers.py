"""The tenant's reward policies: each one's versions, and new versions."""

from __future__ import annotations

from typing import Any

from okr_incentives import keys
from okr_incentives.policies.commands import SetRewardPolicy
from okr_incentives.policies.domain import Policy, PolicyNotFound, RewardPolicy
from okr_incentives.store import IncentivesStore
from okr_shared.clock import Clock
from okr_shared.errors import Forbidden
from okr_shared.event_meta import Caller
from okr_shared.service_store import event_meta


class PolicyHandlers:
    """Versioned reward policies per tenant, read by everyone in it, set by admins."""

    def __init__(self, store: IncentivesStore, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def find(self, tenant_id: str, policy_id: str) -> RewardPolicy | None:
        return self.store.find(RewardPolicy, keys.policy_uuid(tenant_id, policy_id), tenant_id)

    def version_of(self, tenant_id: str, policy_id: str, version: int | None) -> tuple[int, Policy]:
        """A version of the policy (the current one when None) and its rules; else not found."""
        found = self.find(tenant_id, policy_id)
        if found is None or found.current_version == 0:
            raise PolicyNotFound(policy_id)
        number = found.current_version if version is None else version
        return number, found.policy(number)

    def policy(self, caller: Caller, policy_id: str, version: int | None = None) -> dict[str, Any]:
        number, policy = self.version_of(caller.tenant_id, policy_id, version)
        return {"policy_id": policy_id, "version": number, **policy}

    def set_policy(self, command: SetRewardPolicy, caller: Caller) -> dict[str, Any]:
        """Checks and stores a new version; admins only. Awards already granted keep the version
        they were computed under."""
        if not caller.is_admin:
            raise Forbidden("#", "only an admin sets a reward policy")
        uid = keys.policy_uuid(caller.tenant_id, command.policy_id)
        found = self.find(caller.tenant_id, command.policy_id) or RewardPolicy.open(
            uid, caller.tenant_id, command.policy_id
        )
        reason = (command.reason or "").strip() or None
        version = found.set_policy(command.policy, reason, event_meta(caller, self.clock.now()))
        self.store.save_or_conflict(found)
        return {"policy_id": command.policy_id, "version": version, **found.policy(version)}
