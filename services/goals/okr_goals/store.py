"""The event-sourced application behind every goal command: loading, saving, rosters and time
travel."""

from __future__ import annotations

import random
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, Transcoder, Transcoding

from okr_goals import keys
from okr_goals.contracts import published_form as goals_published_form
from okr_goals.cycles.domain import Cycle
from okr_goals.directory.domain import OrgUnit, Person
from okr_goals.errors import CycleNotFound, VersionConflict
from okr_goals.objectives.domain import Objective
from okr_goals.objectives.key_results import Initiative, KeyResult
from okr_goals.roster import Roster
from okr_shared.cloudevents import CloudEvent
from okr_shared.contracts import default_registry
from okr_shared.contracts.guard import ContractCheckedSave, PublishedForm

A = TypeVar("A", bound=Aggregate)
ORG_UNITS_ROSTER = "org-units"
PEOPLE_ROSTER = "people"
CYCLES_ROSTER = "cycles"


CYCLE_ROSTER_SHARDS = 16


def cycle_roster(cycle_id: str, objective_id: str | UUID) -> str:
    """The roster shard an objective of the cycle is listed in: spreading a cycle's objectives
    over several rosters keeps concurrent creations in one cycle from colliding."""
    shard = zlib.crc32(str(objective_id).encode()) % CYCLE_ROSTER_SHARDS
    return f"cycle-objectives:{cycle_id}:{shard}"


class KeyResultAsDict(Transcoding):
    """Stores key results inside snapshots as plain dicts."""

    type = KeyResult
    name = "okr_key_result"

    def encode(self, obj: KeyResult) -> dict[str, Any]:
        return obj.as_dict()

    def decode(self, data: dict[str, Any]) -> KeyResult:
        return KeyResult.from_dict(data)


class InitiativeAsDict(Transcoding):
    """Stores initiatives inside snapshots as plain dicts."""

    type = Initiative
    name = "okr_initiative"

    def encode(self, obj: Initiative) -> dict[str, Any]:
        return obj.as_dict()

    def decode(self, data: dict[str, Any]) -> Initiative:
        return Initiative.from_dict(data)


def backoff(attempt: int) -> None:
    """A short, jittered pause before retrying a write that lost a race."""
    time.sleep(random.uniform(0, 0.005 * 2**attempt))


def as_uuid(value: str | UUID) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))


class TenantLocks(Protocol):
    """Serialises changes of one tenant that must see each other (alignment links)."""

    def hold(self, tenant_id: str) -> AbstractContextManager[None]: ...


class ProcessTenantLocks:
    """Tenant locks within this process: enough for one replica (and for an SQLite store)."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def hold(self, tenant_id: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(tenant_id, threading.Lock())


class GoalsStore(ContractCheckedSave, Application[UUID]):
    """Aggregate access shared by the goal commands and queries; every save is checked against
    the published contracts first (`published_form`, the relay's mapping unless injected)."""

    name = "goals"
    snapshotting_intervals = {Objective: 200, Roster: 200, Cycle: 50, OrgUnit: 50, Person: 50}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        tenant_locks: TenantLocks | None = None,
        published_form: PublishedForm | None = None,
    ) -> None:
        super().__init__(env)
        self.tenant_locks = tenant_locks or ProcessTenantLocks()
        self._published_form = published_form or goals_published_form(default_registry())

    def published_form(self, domain_event: Any, first: Callable[[Any], Any]) -> CloudEvent | None:
        """The published form of an event about to be stored (raises ContractViolation)."""
        return self._published_form(domain_event, first)

    def register_transcodings(self, transcoder: Transcoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(KeyResultAsDict())
        transcoder.register(InitiativeAsDict())

    def tenant_lock(self, tenant_id: str) -> AbstractContextManager[None]:
        """Serialises alignment changes of one tenant (across replicas when the locks are
        shared)."""
        return self.tenant_locks.hold(tenant_id)

    def find(
        self, kind: type[A], aggregate_id: str | UUID, tenant_id: str, version: int | None = None
    ) -> A | None:
        """The aggregate if it exists in the tenant and is of `kind`, else None."""
        try:
            uid = as_uuid(aggregate_id)
            aggregate = self.repository.get(uid, version=version)
        except (ValueError, AggregateNotFoundError):
            return None
        if not isinstance(aggregate, kind) or getattr(aggregate, "tenant_id", None) != tenant_id:
            return None
        return aggregate

    def find_cycle(self, tenant_id: str, cycle_id: str) -> Cycle | None:
        return self.find(Cycle, keys.cycle_uuid(tenant_id, cycle_id), tenant_id)

    def cycle(self, tenant_id: str, cycle_id: str) -> Cycle:
        cycle = self.find_cycle(tenant_id, cycle_id)
        if cycle is None:
            raise CycleNotFound(cycle_id)
        return cycle

    def find_person(self, tenant_id: str, person_id: str) -> Person | None:
        return self.find(Person, keys.person_uuid(tenant_id, person_id), tenant_id)

    def find_unit(self, tenant_id: str, org_unit_id: str) -> OrgUnit | None:
        return self.find(OrgUnit, keys.org_unit_uuid(tenant_id, org_unit_id), tenant_id)

    def roster(self, tenant_id: str, name: str) -> Roster:
        """The roster, opened (unsaved) if it does not exist yet."""
        uid = keys.roster_uuid(tenant_id, name)
        existing = self.find(Roster, uid, tenant_id)
        return existing if existing is not None else Roster.open(uid, tenant_id, name)

    def cycle_members(self, tenant_id: str, cycle_id: str, at: datetime | None = None) -> list[str]:
        """Every objective listed in the cycle (as of `at`), from all its roster shards."""
        return [
            member
            for shard in range(CYCLE_ROSTER_SHARDS)
            for member in self.roster_members(tenant_id, f"cycle-objectives:{cycle_id}:{shard}", at)
        ]

    def roster_members(self, tenant_id: str, name: str, at: datetime | None = None) -> list[str]:
        uid = keys.roster_uuid(tenant_id, name)
        roster = (
            self.find(Roster, uid, tenant_id)
            if at is None
            else self.as_of(Roster, uid, tenant_id, at)
        )
        return list(roster.members) if roster is not None else []

    def save_checked(
        self, aggregates: Iterable[Aggregate], expected_version: int | None = None
    ) -> None:
        """Saves atomically; a concurrent writer's event at the same version becomes a
        VersionConflict."""
        items = list(aggregates)
        try:
            self.save(*items)
        except IntegrityError as exc:
            raise VersionConflict(expected_version or 0, None) from exc

    def save_retrying(
        self, build: Callable[[], list[Aggregate]], attempts: int = 5
    ) -> list[Aggregate]:
        """Builds and saves; on a concurrent write (e.g. to a shared roster) builds again from fresh
        state."""
        for attempt in range(attempts):
            items = build()
            try:
                self.save(*items)
                return items
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
                backoff(attempt)
        raise AssertionError("unreachable")

    def version_at(self, aggregate_id: UUID, at: datetime) -> int | None:
        """The aggregate's version at time `at`, using the latest snapshot taken before it."""
        start = 0
        if self.snapshots is not None:
            for snapshot in self.snapshots.get(aggregate_id, desc=True):
                if snapshot.timestamp <= at:
                    start = snapshot.originator_version
                    break
        version = start or None
        for domain_event in self.events.get(aggregate_id, gt=start or None):
            if domain_event.timestamp > at:
                break
            version = domain_event.originator_version
        return version

    def as_of(
        self, kind: type[A], aggregate_id: str | UUID, tenant_id: str, at: datetime
    ) -> A | None:
        """The aggregate as it stood at time `at` (None if it did not exist yet)."""
        try:
            uid = as_uuid(aggregate_id)
        except ValueError:
            return None
        version = self.version_at(uid, at)
        if version is None:
            return None
        return self.find(kind, uid, tenant_id, version=version)
