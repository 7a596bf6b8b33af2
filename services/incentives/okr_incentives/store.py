"""The event store of the incentive service: the eventsourcing Application every feature loads
its aggregates from and saves them to. Every pending event is checked against its published
contract before it is stored (`okr_shared.service_store`)."""

from __future__ import annotations

from okr_incentives.awards.domain import CycleAwards
from okr_incentives.contracts import published_form
from okr_incentives.policies.domain import RewardPolicy
from okr_shared.contracts import default_registry
from okr_shared.service_store import TenantStore


class IncentivesStore(TenantStore):
    """Reward policies and the awards of each cycle."""

    name = "incentives"
    contract_mapping = staticmethod(published_form(default_registry()))
    snapshotting_intervals = {RewardPolicy: 50, CycleAwards: 200}
