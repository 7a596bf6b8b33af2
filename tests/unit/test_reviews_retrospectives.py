"""Retrospectives of objectives and teams: content rules, who writes and reads which, revisions
with history, next steps linked to later objectives with their rollover lineage; every refusal
names the field and stores nothing."""

from datetime import date

import pytest

from okr_goals.cycles.commands import PlanCycle
from okr_reviews.retrospectives.commands import (
    RetrospectivesOfCycle,
    ReviseRetrospective,
    WriteRetrospective,
)
from okr_reviews.retrospectives.domain import (
    MAX_ITEMS,
    MAX_TEXT,
    OBJECTIVE,
    ORG_UNIT,
    checked_content,
    rolled_over_from,
    subject_of,
)
from okr_shared.contracts import vocabulary
from okr_shared.errors import DomainError, InvalidField, NotKnownYet
from okr_shared.event_meta import Caller
from tests.support.freshness import FakeFreshness
from tests.support.org import ADMIN, CYCLE, NEXT_CYCLE, caller
from tests.support.reviews import World

CONTENT = {"worked": ["weekly demos"], "did_not_work": ["late scoping"], "lessons": ["scope early"]}


def who(actor: str, *roles: str) -> Caller:
    return Caller(meta=caller(actor).meta, roles=frozenset(roles))


def write(
    world, by, objective=None, org_unit_id=None, content=CONTENT, sharing="team", cycle=CYCLE
):
    command = WriteRetrospective(
        cycle,
        str(objective.id) if objective is not None else None,
        org_unit_id,
        content,
        sharing,
    )
    return world.service.retrospectives.write(command, by)


def refused(world, call, *args):
    """The domain error `call` raised; nothing was stored."""
    stored = world.stored()
    with pytest.raises(DomainError) as err:
        call(*args)
    assert world.stored() == stored
    return err.value


@pytest.fixture
def world():
    world = World()
    world.grade()
    return world


# ---- content (pure)


def test_content_is_trimmed_and_needs_at_least_one_item():
    checked = checked_content({"worked": ["  demos "], "next_steps": [{"text": " go "}]})
    assert checked == {
        "worked": ["demos"],
        "did_not_work": [],
        "lessons": [],
        "next_steps": [{"text": "go", "objective_id": None}],
    }
    with pytest.raises(InvalidField) as err:
        checked_content({"worked": [], "lessons": []})
    assert err.value.field == "#/content"


@pytest.mark.parametrize(
    "content, pointer",
    [
        ({"worked": ["x" * (MAX_TEXT + 1)]}, "#/content/worked/0"),
        ({"lessons": ["ok", "   "]}, "#/content/lessons/1"),
        ({"did_not_work": ["a"] * (MAX_ITEMS["did_not_work"] + 1)}, "#/content/did_not_work"),
        ({"next_steps": [{"text": "y" * (MAX_TEXT + 1)}]}, "#/content/next_steps/0/text"),
        ({"next_steps": [{"text": "a"}] * (MAX_ITEMS["next_steps"] + 1)}, "#/content/next_steps"),
        ({"worked": ["a"], "mood": ["b"]}, "#/content/mood"),
    ],
)
def test_broken_content_names_the_item(content, pointer):
    with pytest.raises(InvalidField) as err:
        checked_content(content)
    assert err.value.field == pointer


def test_the_limits_are_those_of_the_published_schema():
    schema = vocabulary.latest_schemas("reviews")["RetrospectiveWritten"]
    assert schema["$defs"]["text"]["maxLength"] == MAX_TEXT
    for name in ("worked", "did_not_work", "lessons", "next_steps"):
        assert MAX_ITEMS[name] == schema["properties"][name]["maxItems"]


def test_a_retrospective_looks_back_at_exactly_one_subject():
    assert subject_of("o1", None) == (OBJECTIVE, "o1")
    assert subject_of(None, "web") == (ORG_UNIT, "web")
    for objective_id, org_unit_id, pointer in (
        ("o1", "web", "#/org_unit_id"),
        (None, None, "#/objective_id"),
    ):
        with pytest.raises(InvalidField) as err:
            subject_of(objective_id, org_unit_id)
        assert err.value.field == pointer


def docs(*objectives):
    known = {o["objective_id"]: o for o in objectives}
    return lambda kind, key: known.get(key) if kind == OBJECTIVE else None


def objective(objective_id, cycle_id, source=None, to=None, unit=None):
    return {
        "objective_id": objective_id,
        "cycle_id": cycle_id,
        "owner_type": "person",
        "owner_id": "dev",
        "org_unit_id": unit,
        "rolled_over_from": source,
        "rolled_over_to": to,
    }


def test_lineage_follows_the_copies_back_to_the_retrospectives_cycle():
    q1, q2 = objective("a", "q1", to="b", unit="web"), objective("b", "q2", "a", to="c")
    q3 = objective("c", "q3", "b")
    lookup = docs(q1, q2, q3)
    assert rolled_over_from(lookup, "q1", (OBJECTIVE, "a"), q3) == "a"
    assert rolled_over_from(lookup, "q1", (ORG_UNIT, "web"), q3) == "a"
    assert rolled_over_from(lookup, "q1", (ORG_UNIT, "sales"), q3) is None
    assert rolled_over_from(lookup, "q2", (OBJECTIVE, "b"), q3) == "b"
    assert rolled_over_from(lookup, "q1", (OBJECTIVE, "other"), q3) is None


def test_lineage_known_only_from_the_source_still_counts():
    """A copy learned without its `rolled_over_from` (an older ObjectiveCreated) is still known
    from the source's `ObjectiveRolledOver`."""
    source, copy = objective("a", "q1", to="b"), objective("b", "q2")
    assert rolled_over_from(docs(source, copy), "q1", (OBJECTIVE, "a"), copy) == "a"


def test_a_lineage_loop_ends():
    a, b = objective("a", "q2", "b"), objective("b", "q3", "a")
    assert rolled_over_from(docs(a, b), "q1", (OBJECTIVE, "x"), a) is None


# ---- writing and revising


def test_the_owner_writes_and_revises_keeping_the_history(world):
    view = write(world, caller("dev"), world.personal)
    retrospective = view.retrospective
    assert str(retrospective.id) == world.retrospective_id(OBJECTIVE, str(world.personal.id))
    assert retrospective.version == 1 and view.content["worked"] == ["weekly demos"]
    again = write(world, caller("dev"), world.personal)
    assert again.retrospective.version == 1, "writing the same again stores nothing"
    revised = world.service.retrospectives.revise(
        ReviseRetrospective(str(retrospective.id), {"lessons": ["ship smaller"]}, "shared", 1),
        caller("lead"),
    )
    assert revised.retrospective.version == 2 and revised.retrospective.sharing == "shared"
    assert revised.retrospective.revised_by == "lead"
    assert [h["content"]["lessons"] for h in revised.history] == [["scope early"]]
    assert revised.history[0]["by"] == "dev" and revised.history[0]["sharing"] == "team"


def test_writing_other_content_over_an_existing_one_is_a_conflict(world):
    write(world, caller("dev"), world.personal)
    err = refused(world, write, world, caller("dev"), world.personal, None, {"worked": ["other"]})
    assert err.status == 409 and err.field == "#/objective_id"


def test_a_closed_cycle_still_takes_retrospectives(world):
    world.close()
    assert write(world, caller("lead", "manager"), None, "web").retrospective.version == 1


@pytest.mark.parametrize(
    "by, allowed",
    [
        (caller("dev"), True),
        (caller("lead"), True),
        (caller("cto"), True),
        (ADMIN, True),
        (caller("rep"), False),
        (who("dev", "auditor"), False),
    ],
)
def test_who_writes_an_objectives_retrospective(world, by, allowed):
    if allowed:
        assert write(world, by, world.personal).retrospective.version == 1
    else:
        err = refused(world, write, world, by, world.personal)
        assert err.status == 403 and err.field == "#/objective_id"


@pytest.mark.parametrize(
    "by, allowed",
    [
        (who("lead", "manager"), True),
        (who("cto", "leader"), True),
        (who("ceo", "manager"), True),
        (ADMIN, True),
        (caller("lead"), True),
        (who("dev", "member"), True),
        (who("rep", "manager"), False),
        (who("rep", "leader"), False),
        (who("audit", "auditor"), False),
    ],
)
def test_who_writes_a_teams_retrospective(world, by, allowed):
    if allowed:
        assert write(world, by, None, "web").retrospective.org_unit_id == "web"
    else:
        err = refused(world, write, world, by, None, "web")
        assert err.status == 403 and err.field == "#/org_unit_id"


# ---- bad input: the field named, nothing stored


def test_an_objective_of_another_tenant_is_not_found(world):
    foreign = world.foreign_objective()
    err = refused(world, write, world, ADMIN, foreign)
    assert err.status == 404 and err.field == "#/objective_id"


def test_an_objective_the_writer_may_not_read_is_not_found(world):
    secret = world.objective_in(CYCLE, "Secret", owner_id="rep", visibility="private")
    err = refused(world, write, world, caller("dev"), secret)
    assert err.status == 404 and err.field == "#/objective_id"


def test_an_unknown_team_or_cycle_is_not_found(world):
    err = refused(world, write, world, ADMIN, None, "nowhere")
    assert err.status == 404 and err.field == "#/org_unit_id"
    err = refused(world, write, world, ADMIN, world.personal, None, CONTENT, "team", "x")
    assert err.status == 404 and err.field == "#/cycle_id"


def test_an_objective_of_another_cycle_is_refused(world):
    later = world.objective_in(NEXT_CYCLE, "Later")
    err = refused(world, write, world, caller("dev"), later)
    assert err.status == 422 and err.field == "#/objective_id"


@pytest.mark.parametrize(
    "objective_id, org_unit_id, pointer",
    [(True, "web", "#/org_unit_id"), (None, None, "#/objective_id")],
)
def test_both_or_neither_subject_is_refused(world, objective_id, org_unit_id, pointer):
    objective = world.personal if objective_id else None
    err = refused(world, write, world, ADMIN, objective, org_unit_id)
    assert err.status == 422 and err.field == pointer


@pytest.mark.parametrize(
    "content, pointer",
    [
        ({}, "#/content"),
        ({"worked": ["x" * (MAX_TEXT + 1)]}, "#/content/worked/0"),
        ({"lessons": ["l"] * (MAX_ITEMS["lessons"] + 1)}, "#/content/lessons"),
    ],
)
def test_empty_or_oversized_content_is_refused(world, content, pointer):
    err = refused(world, write, world, caller("dev"), world.personal, None, content)
    assert err.status == 422 and err.field == pointer


def test_an_unknown_sharing_is_refused(world):
    err = refused(world, write, world, caller("dev"), world.personal, None, CONTENT, "everyone")
    assert err.status == 422 and err.field == "#/sharing"


def test_before_grading_a_retrospective_is_a_conflict_naming_the_state():
    world = World()
    err = refused(world, write, world, caller("dev"), world.personal)
    assert err.status == 409 and err.field == "#/cycle_id" and "active" in err.message


def test_a_stale_revision_is_a_version_conflict(world):
    view = write(world, caller("dev"), world.personal)
    command = ReviseRetrospective(str(view.retrospective.id), {"worked": ["x"]}, "team", 9)
    err = refused(world, world.service.retrospectives.revise, command, caller("dev"))
    assert err.status == 409 and err.kind == "version-conflict"


def test_a_revision_needs_the_right_to_write(world):
    view = write(world, caller("dev"), world.personal, sharing="shared")
    command = ReviseRetrospective(str(view.retrospective.id), {"worked": ["x"]}, "shared", 1)
    err = refused(world, world.service.retrospectives.revise, command, caller("rep"))
    assert err.status == 403 and err.field == "path:retrospective_id"


def step_to(objective):
    return {**CONTENT, "next_steps": [{"text": "carry on", "objective_id": str(objective.id)}]}


def test_a_next_step_links_an_objective_of_a_later_cycle(world):
    later = world.objective_in(NEXT_CYCLE, "Next quarter")
    view = write(world, caller("dev"), world.personal, None, step_to(later))
    assert view.content["next_steps"] == [
        {"text": "carry on", "objective_id": str(later.id), "rolled_over_from": None}
    ]


def test_a_next_step_linked_to_the_same_an_earlier_or_an_overlapping_cycle_is_refused(world):
    cycles = world.goals.cycles
    cycles.plan_cycle(
        PlanCycle("2025-Q4", "Q4", "quarterly", date(2025, 10, 1), date(2025, 12, 31)), ADMIN
    )
    cycles.plan_cycle(
        PlanCycle("2026", "2026", "yearly", date(2026, 1, 1), date(2026, 12, 31)), ADMIN
    )
    world.learn()
    earlier = world.objective_in("2025-Q4", "Last year")
    yearly = world.objective_in("2026", "All year")
    for linked in (world.team, earlier, yearly):
        err = refused(world, write, world, caller("dev"), world.personal, None, step_to(linked))
        assert err.status == 422 and err.field == "#/content/next_steps/0/objective_id"


def test_a_next_step_linked_to_an_invisible_or_unknown_objective_is_refused(world):
    secret = world.objective_in(NEXT_CYCLE, "Secret", owner_id="rep", visibility="private")
    foreign = world.foreign_objective()
    for linked in (secret, foreign):
        err = refused(world, write, world, caller("dev"), world.personal, None, step_to(linked))
        assert err.status == 422 and err.field == "#/content/next_steps/0/objective_id"


def test_a_next_step_to_the_rolled_over_copy_says_so(world):
    copy_id = world.roll_over(world.personal)
    copy = world.knowledge.load("acme", "objective", copy_id)[1]
    assert copy["rolled_over_from"] == str(world.personal.id)
    source = world.knowledge.load("acme", "objective", str(world.personal.id))[1]
    assert source["rolled_over_to"] == copy_id
    content = {"next_steps": [{"text": "keep going", "objective_id": copy_id}]}
    view = write(world, caller("dev"), world.personal, None, content)
    assert view.content["next_steps"][0]["rolled_over_from"] == str(world.personal.id)


def test_a_teams_next_step_to_a_copy_of_one_of_its_objectives_says_so(world):
    copy_id = world.roll_over(world.team)
    content = {"next_steps": [{"text": "again", "objective_id": copy_id}]}
    view = write(world, who("lead", "manager"), None, "web", content)
    assert view.content["next_steps"][0]["rolled_over_from"] == str(world.team.id)


# ---- reading


@pytest.mark.parametrize(
    "sharing, reader, sees",
    [
        ("team", caller("dev"), True),
        ("team", caller("lead"), True),
        ("team", who("x", "auditor"), True),
        ("team", caller("rep"), False),
        ("team", who("vps", "leader"), False),
        ("shared", caller("rep"), True),
        ("shared", caller("rep", tenant="globex"), False),
    ],
)
def test_who_reads_an_objectives_retrospective(world, sharing, reader, sees):
    view = write(world, caller("dev"), world.personal, None, CONTENT, sharing)
    retrospective_id = str(view.retrospective.id)
    handlers = world.service.retrospectives
    if sees:
        assert handlers.retrospective(reader, retrospective_id).retrospective.version == 1
    else:
        err = refused(world, handlers.retrospective, reader, retrospective_id)
        assert err.status == 404
    listed = handlers.of_cycle(reader, RetrospectivesOfCycle(CYCLE)) if sees else []
    assert [str(v.retrospective.id) for v in listed] == ([retrospective_id] if sees else [])


def test_a_shared_retrospective_of_a_private_objective_stays_with_its_readers(world):
    secret = world.objective_in(CYCLE, "Secret", owner_id="rep", visibility="private")
    view = write(world, caller("rep"), secret, None, CONTENT, "shared")
    err = refused(
        world, world.service.retrospectives.retrospective, caller("dev"), str(view.retrospective.id)
    )
    assert err.status == 404
    assert world.service.retrospectives.retrospective(caller("vps"), str(view.retrospective.id))


@pytest.mark.parametrize(
    "sharing, reader, sees",
    [
        ("team", caller("dev"), True),
        ("team", caller("cto"), True),
        ("team", caller("ceo"), True),
        ("team", who("x", "auditor"), True),
        ("team", caller("rep"), False),
        ("shared", caller("rep"), True),
        ("shared", who("bot", "integration"), False),
    ],
)
def test_who_reads_a_teams_retrospective(world, sharing, reader, sees):
    view = write(world, who("lead", "manager"), None, "web", CONTENT, sharing)
    retrospective_id = str(view.retrospective.id)
    handlers = world.service.retrospectives
    if sees:
        assert handlers.retrospective(reader, retrospective_id).retrospective.org_unit_id == "web"
    else:
        assert refused(world, handlers.retrospective, reader, retrospective_id).status == 404


def test_the_cycles_retrospectives_filter_by_objective_or_team(world):
    mine = write(world, caller("dev"), world.personal, None, CONTENT, "shared")
    team = write(world, who("lead", "manager"), None, "web", CONTENT, "shared")
    handlers = world.service.retrospectives
    every = handlers.of_cycle(caller("dev"), RetrospectivesOfCycle(CYCLE))
    assert {str(v.retrospective.id) for v in every} == {
        str(mine.retrospective.id),
        str(team.retrospective.id),
    }
    only_team = handlers.of_cycle(caller("dev"), RetrospectivesOfCycle(CYCLE, org_unit_id="web"))
    assert [v.retrospective.org_unit_id for v in only_team] == ["web"]
    query = RetrospectivesOfCycle(CYCLE, str(world.personal.id))
    assert [v.retrospective.objective_id for v in handlers.of_cycle(caller("dev"), query)] == [
        str(world.personal.id)
    ]
    err = refused(world, handlers.of_cycle, caller("dev"), RetrospectivesOfCycle("nope"))
    assert err.status == 404


def test_a_link_the_reader_may_not_read_is_shown_as_none(world):
    linked = world.objective_in(NEXT_CYCLE, "Ours", "org_unit", "web", visibility="org_unit")
    view = write(world, caller("dev"), world.personal, None, step_to(linked), "shared")
    seen = world.service.retrospectives.retrospective(caller("rep"), str(view.retrospective.id))
    assert seen.content["next_steps"] == [
        {"text": "carry on", "objective_id": None, "rolled_over_from": None}
    ]


def test_a_refusal_waits_while_the_knowledge_may_be_behind():
    freshness = FakeFreshness(current=False)
    world = World(freshness=freshness)
    world.grade()
    stored = world.stored()
    with pytest.raises(NotKnownYet) as err:
        write(world, caller("rep"), world.personal)
    assert err.value.field == "#/objective_id" and world.stored() == stored
