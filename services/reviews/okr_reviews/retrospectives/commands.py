"""Commands of retrospectives, as plain data handed over by the entry points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WriteRetrospective:
    """The first writing of an objective's (`objective_id`) or a team's (`org_unit_id`)
    retrospective in a cycle; `content` holds worked, did_not_work, lessons and next_steps."""

    cycle_id: str
    objective_id: str | None
    org_unit_id: str | None
    content: dict[str, Any]
    sharing: str


@dataclass(frozen=True)
class ReviseRetrospective:
    retrospective_id: str
    content: dict[str, Any]
    sharing: str
    expected_version: int


@dataclass(frozen=True)
class RetrospectivesOfCycle:
    """The retrospectives of a cycle the caller may read, optionally of one objective or team."""

    cycle_id: str
    objective_id: str | None = None
    org_unit_id: str | None = None


@dataclass(frozen=True)
class RetrospectiveView:
    """A retrospective as one caller sees it: `content` and each of `history`'s with every next
    step's link and lineage (`rolled_over_from`), links to objectives the caller may not read
    shown as none."""

    retrospective: Any
    content: dict[str, Any]
    history: list[dict[str, Any]]
