"""The topics aggregates and events were stored under before they moved into feature packages.

A stored event names its class by topic (`module:QualName`), a snapshot its aggregate class
(`originator_topic`). Every class that moved keeps its old topic here, so events and snapshots
stored before the move still load. Imported by `okr_goals/__init__.py`, so it is loaded with
the domain. Never remove a line: stores written before the move may be read forever.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import register_topic

from okr_goals.cycles.domain import Cycle
from okr_goals.directory.domain import OrgUnit, Person
from okr_goals.objectives.domain import Objective
from okr_goals.roster import Roster

MOVED: dict[str, tuple[type[Aggregate], ...]] = {
    "okr_goals.domain.cycle": (Cycle,),
    "okr_goals.domain.directory": (OrgUnit, Person),
    "okr_goals.domain.objective": (Objective,),
    "okr_goals.domain.roster": (Roster,),
}


def old_topics() -> dict[str, type]:
    """Each old topic and the class it names now: the aggregate classes and their event classes."""
    topics: dict[str, type] = {}
    for old_module, aggregates in MOVED.items():
        for aggregate in aggregates:
            topics[f"{old_module}:{aggregate.__qualname__}"] = aggregate
            for value in vars(aggregate).values():
                if isinstance(value, type) and issubclass(value, CanMutateAggregate):
                    topics[f"{old_module}:{value.__qualname__}"] = value
    return topics


for _topic, _cls in old_topics().items():
    register_topic(_topic, _cls)
