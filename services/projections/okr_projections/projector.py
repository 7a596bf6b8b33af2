"""Routes each goal, check-in or review event by its name to the feature handler that folds it.

The handlers are given as a visible dict from event name to handler, built in `bootstrap`.
Each handler refreshes what its change derives (rollups, ancestors, stored check-ins on
arriving key results) even when the event was already folded, so an event redelivered after a
crash between the fold and the refresh completes the refresh.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from okr_projections.ambition.store import AmbitionStore
from okr_projections.check_ins.store import CheckInStore
from okr_projections.cycles.store import CycleStore
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.documents import UnprojectableEvent
from okr_projections.due.store import DueStore
from okr_projections.grading_due.store import GradingDueStore
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.recognition.store import RecognitionStore
from okr_projections.reviews.store import ReviewStore
from okr_projections.rewards.store import RewardStore

Handle = Callable[[str, dict[str, Any], dict[str, Any]], Awaitable[bool]]
"""Folds one event (name, data, meta): True if it changed its document."""


@dataclass
class ReadModels:
    """The stores of the read models the projector keeps (check-ins, due, reviews and ambition
    are optional)."""

    objectives: ObjectiveStore
    org_units: OrgUnitStore
    people: PeopleStore
    cycles: CycleStore
    check_ins: CheckInStore | None = None
    due: DueStore | None = None
    reviews: ReviewStore | None = None
    ambition: AmbitionStore | None = None
    grading_due: GradingDueStore | None = None
    rewards: RewardStore | None = None
    recognition: RecognitionStore | None = None

    def __iter__(self) -> Iterator[Any]:
        """The stores present."""
        stores = (self.objectives, self.org_units, self.people, self.cycles)
        optional = (
            self.check_ins,
            self.due,
            self.reviews,
            self.ambition,
            self.grading_due,
            self.rewards,
            self.recognition,
        )
        return iter([*stores, *(s for s in optional if s is not None)])


async def skip(event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
    """The handler of events no read model needs: they change nothing."""
    return False


def chained(*handles: Handle) -> Handle:
    """One handler running several in turn (an event two read models fold): True if any
    changed its document."""

    async def handle(event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        changed = False
        for each in handles:
            changed = await each(event_type, data, meta) or changed
        return changed

    return handle


def also(handlers: Mapping[str, Handle], names: Iterable[str], handle: Handle) -> dict[str, Handle]:
    """The handlers with `handle` run after them on the events `names` (alone where none was)."""
    return {
        **handlers,
        **{name: chained(handlers[name], handle) if name in handlers else handle for name in names},
    }


class Projector:
    """Folds one event into the read models; UnprojectableEvent when no handler takes its name."""

    def __init__(self, handlers: Mapping[str, Handle], read_models: ReadModels) -> None:
        self.handlers = dict(handlers)
        self.read_models = read_models

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        """True if the event changed its document, False if the document already included it."""
        handle = self.handlers.get(event_type)
        if handle is None:
            raise UnprojectableEvent(f"no read model takes events of type {event_type}")
        return await handle(event_type, data, meta)


class Following:
    """The projector of the database the service follows: the consumer projects through it, so
    a switch of database takes effect between two events."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector

    async def project(self, event_type: str, data: dict[str, Any], meta: dict[str, Any]) -> bool:
        return await self.projector.project(event_type, data, meta)
