"""A retrospective: a look back at one objective, or at one team (an org unit), in a cycle.

- Content: `worked`, `did_not_work` and `lessons` (lists of short texts) and `next_steps`
  (`{text, objective_id}`, the objective of a later cycle the step is carried on by, or null).
  Texts are trimmed and never blank; at least one item in all; the counts and lengths are those
  of the `RetrospectiveWritten` schema.
- Sharing: `team` (private to the team) or `shared`; who reads and writes which is in `access`.
- A revision replaces the content and sharing whole, against the version the writer saw; the
  stream keeps every earlier revision (`history`).
- Lineage: a linked objective that descends by rollover from an objective of the
  retrospective's cycle, which is the retrospective's objective (or, for a team's, one of the
  team's), was `rolled_over_from` it (`rolled_over_from`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared.contracts import vocabulary
from okr_shared.errors import Conflict, InvalidField, NotFound, VersionConflict

CONTRACT = ("reviews", "RetrospectiveWritten")
SHARINGS = vocabulary.RETROSPECTIVE_SHARINGS
TEAM, SHARED = vocabulary.choose(SHARINGS, "team", "shared")
OBJECTIVE, ORG_UNIT = "objective", "org_unit"
"""What a retrospective looks back at."""
WRITABLE_STATES = vocabulary.choose(vocabulary.CYCLE_STATES, "grading", "closed")
TEXT_LISTS = ("worked", "did_not_work", "lessons")
FIELDS = (*TEXT_LISTS, "next_steps")
MAX_ITEMS = {name: vocabulary.field_of(*CONTRACT, name)["maxItems"] for name in FIELDS}
MAX_TEXT = vocabulary.field_of(*CONTRACT, "next_steps", "text")["maxLength"]
MAX_LINEAGE = 64
"""How far back a rollover lineage is followed."""

Doc = dict[str, Any]
Lookup = Callable[[str, str], Doc | None]


class RetrospectiveNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("retrospective", key)


class NotFoundAt(InvalidField):
    """A field names something unknown in the tenant or invisible to the caller (404)."""

    status = 404
    title = "Not found"
    kind = "not-found"


class CycleNotClosing(Conflict):
    title = "Cycle not in grading or closed"
    kind = "cycle-not-closing"


def _text(pointer: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidField(pointer, "a short text, not blank")
    if len(value.strip()) > MAX_TEXT:
        raise InvalidField(pointer, f"at most {MAX_TEXT} characters")
    return value.strip()


def _items(name: str, content: Mapping[str, Any]) -> list[Any]:
    items = content.get(name) or []
    if not isinstance(items, list):
        raise InvalidField(f"#/content/{name}", "a list")
    if len(items) > MAX_ITEMS[name]:
        raise InvalidField(f"#/content/{name}", f"at most {MAX_ITEMS[name]} items")
    return items


def checked_content(content: Mapping[str, Any]) -> Doc:
    """The content with texts trimmed; InvalidField naming the item at fault."""
    unknown = sorted(set(content) - set(FIELDS))
    if unknown:
        raise InvalidField(f"#/content/{unknown[0]}", "unknown field")
    checked: Doc = {
        name: [_text(f"#/content/{name}/{i}", t) for i, t in enumerate(_items(name, content))]
        for name in TEXT_LISTS
    }
    steps = []
    for i, step in enumerate(_items("next_steps", content)):
        pointer = f"#/content/next_steps/{i}"
        if not isinstance(step, Mapping) or set(step) - {"text", "objective_id"}:
            raise InvalidField(pointer, "a step is {text, objective_id}")
        linked = step.get("objective_id")
        if linked is not None and not isinstance(linked, str):
            raise InvalidField(f"{pointer}/objective_id", "an objective id or null")
        steps.append({"text": _text(f"{pointer}/text", step.get("text")), "objective_id": linked})
    checked["next_steps"] = steps
    if not any(checked.values()):
        raise InvalidField(
            "#/content", "say at least one thing: what worked, what did not, a lesson or a step"
        )
    return checked


def checked_sharing(sharing: Any) -> str:
    if sharing not in SHARINGS:
        raise InvalidField("#/sharing", f"one of {', '.join(SHARINGS)}")
    return sharing


def subject_of(objective_id: str | None, org_unit_id: str | None) -> tuple[str, str]:
    """(kind, id) of what the retrospective looks back at: exactly one of the two."""
    if objective_id and org_unit_id:
        raise InvalidField("#/org_unit_id", "name either an objective or a team, not both")
    if objective_id:
        return OBJECTIVE, objective_id
    if org_unit_id:
        return ORG_UNIT, org_unit_id
    raise InvalidField("#/objective_id", "name the objective (or the team: org_unit_id)")


def rolled_over_from(
    lookup: Lookup, cycle_id: str, subject: tuple[str, str], linked: Doc
) -> str | None:
    """The objective of `cycle_id` the linked objective descends from by rollover, if it is the
    subject (an objective) or one of the subject's (a team); else None."""
    kind, subject_id = subject
    if kind == OBJECTIVE:
        source = lookup(OBJECTIVE, subject_id)
        if source is not None and source.get("rolled_over_to") == linked["objective_id"]:
            return subject_id
    current, seen = linked, set()
    while (source_id := current.get("rolled_over_from")) and len(seen) < MAX_LINEAGE:
        if source_id in seen:
            return None
        seen.add(source_id)
        source = lookup(OBJECTIVE, source_id)
        if source is None:
            return None
        if source["cycle_id"] == cycle_id:
            ours = source_id == subject_id if kind == OBJECTIVE else _of_team(source, subject_id)
            return source_id if ours else None
        current = source
    return None


def _of_team(objective: Doc, org_unit_id: str) -> bool:
    return objective.get("org_unit_id") == org_unit_id or (
        objective["owner_type"] == ORG_UNIT and objective["owner_id"] == org_unit_id
    )


class Retrospective(Aggregate):
    """What the team looked back on, in its latest revision, with the earlier ones."""

    @event("Written")
    def __init__(
        self,
        tenant_id: str,
        cycle_id: str,
        objective_id: str | None,
        org_unit_id: str | None,
        content: Doc,
        sharing: str,
        meta: dict[str, Any],
    ) -> None:
        self.tenant_id = tenant_id
        self.cycle_id = cycle_id
        self.objective_id = objective_id
        self.org_unit_id = org_unit_id
        self.content = content
        self.sharing = sharing
        self.written_by = meta["actor_id"]
        self.written_at = meta["at"]
        self.revised_by: str | None = None
        self.revised_at: str | None = None
        self.history: list[Doc] = []

    @classmethod
    def write(cls, aggregate_id: Any, **fields: Any) -> Retrospective:
        return cls._create(cls.Written, id=aggregate_id, **fields)

    @property
    def subject(self) -> tuple[str, str]:
        if self.objective_id:
            return OBJECTIVE, self.objective_id
        return ORG_UNIT, str(self.org_unit_id)

    def says(self, content: Doc, sharing: str) -> bool:
        """Whether it already says exactly that."""
        return self.content == content and self.sharing == sharing

    def check_version(self, expected_version: int) -> None:
        if expected_version != self.version:
            raise VersionConflict(expected_version, self.version)

    def revise(self, content: Doc, sharing: str, meta: dict[str, Any]) -> bool:
        """Replaces content and sharing; False (nothing recorded) when they are unchanged."""
        if self.says(content, sharing):
            return False
        self._revised(
            cycle_id=self.cycle_id,
            objective_id=self.objective_id,
            org_unit_id=self.org_unit_id,
            content=content,
            sharing=sharing,
            meta=meta,
        )
        return True

    @event("Revised")
    def _revised(
        self,
        cycle_id: str,
        objective_id: str | None,
        org_unit_id: str | None,
        content: Doc,
        sharing: str,
        meta: dict[str, Any],
    ) -> None:
        self.history = [
            *self.history,
            {
                "version": self.version,
                "content": self.content,
                "sharing": self.sharing,
                "by": self.revised_by or self.written_by,
                "at": self.revised_at or self.written_at,
            },
        ]
        self.content = content
        self.sharing = sharing
        self.revised_by = meta["actor_id"]
        self.revised_at = meta["at"]
