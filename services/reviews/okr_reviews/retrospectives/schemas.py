"""Request and response bodies of retrospectives (limits from the `RetrospectiveWritten`
schema)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from okr_reviews.retrospectives.commands import RetrospectiveView
from okr_reviews.retrospectives.domain import MAX_ITEMS, MAX_TEXT, SHARINGS
from okr_reviews.schemas import Body

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Id = Annotated[str, Field(min_length=1, max_length=100)]
Sharing = Annotated[
    Literal[SHARINGS],  # type: ignore[valid-type]
    Field(description="team: private to the team; shared: whoever may read the objective"),
]


def _texts(name: str, description: str) -> Any:
    return Field(default_factory=list, max_length=MAX_ITEMS[name], description=description)


class NextStepIn(Body):
    text: Text
    objective_id: Id | None = Field(
        default=None, description="An objective of a later cycle the step is carried on by"
    )


class ContentIn(Body):
    """What the team looked back on; at least one item in all."""

    worked: list[Text] = _texts("worked", "What worked")
    did_not_work: list[Text] = _texts("did_not_work", "What did not work")
    lessons: list[Text] = _texts("lessons", "Lessons learned")
    next_steps: list[NextStepIn] = _texts("next_steps", "Next steps")


class RetrospectiveIn(Body):
    """A retrospective of an objective (`objective_id`) or a team (`org_unit_id`): exactly one."""

    cycle_id: Id
    objective_id: Id | None = None
    org_unit_id: Id | None = None
    content: ContentIn
    sharing: Sharing


class RetrospectiveReviseIn(Body):
    """The whole new content and sharing, against the version you saw."""

    content: ContentIn
    sharing: Sharing
    expected_version: Annotated[int, Field(ge=0, description="The version you saw")]


class NextStepOut(BaseModel):
    text: str
    objective_id: str | None = Field(
        description="The linked objective; none when unlinked or when you may not read it"
    )
    rolled_over_from: str | None = Field(
        description="The objective of this retrospective's cycle the linked one was rolled over "
        "from, when it is this retrospective's objective (or one of the team's)"
    )


class ContentOut(BaseModel):
    worked: list[str]
    did_not_work: list[str]
    lessons: list[str]
    next_steps: list[NextStepOut]


class RevisionOut(BaseModel):
    """An earlier revision: what it said, and who wrote it when."""

    version: int
    content: ContentOut
    sharing: str
    by: str
    at: datetime


class RetrospectiveOut(BaseModel):
    retrospective_id: str
    version: int
    cycle_id: str
    objective_id: str | None
    org_unit_id: str | None
    sharing: str
    content: ContentOut
    written_by: str
    written_at: datetime
    revised_by: str | None
    revised_at: datetime | None
    history: list[RevisionOut] = Field(description="Earlier revisions, oldest first")


class RetrospectivesOut(BaseModel):
    items: list[RetrospectiveOut]


def retrospective_out(view: RetrospectiveView) -> RetrospectiveOut:
    """The answer for a retrospective as its caller sees it."""
    r = view.retrospective
    return RetrospectiveOut.model_validate(
        {
            "retrospective_id": str(r.id),
            "version": r.version,
            "cycle_id": r.cycle_id,
            "objective_id": r.objective_id,
            "org_unit_id": r.org_unit_id,
            "sharing": r.sharing,
            "content": view.content,
            "written_by": r.written_by,
            "written_at": r.written_at,
            "revised_by": r.revised_by,
            "revised_at": r.revised_at,
            "history": view.history,
        }
    )
