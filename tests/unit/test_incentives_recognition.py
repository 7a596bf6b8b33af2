"""Recognition in the incentive service: the pure rules (budget, recipients, nobody recognises
themselves, settings, streaks over literal periods) and the handlers (visibility, nominations and
their decisions, streak badges under redelivery); every refusal stores nothing."""

from datetime import timedelta

import pytest

from okr_incentives.recognition import streaks
from okr_incentives.recognition.commands import (
    Decide,
    GiveKudos,
    Nominate,
    SetRecognitionSettings,
)
from okr_incentives.recognition.domain import (
    answerable,
    check_budget,
    check_settings,
    recipient_of,
)
from okr_shared.errors import Conflict, DomainError, Forbidden, InvalidField, NotFound
from tests.support.incentives import (
    ADMIN,
    CYCLE,
    FIRST_WEEK,
    NOW,
    WEEK,
    RecognitionOrg,
    caller,
    key_result,
    oid,
)

OBJECTIVE = {
    "owner_type": "person",
    "owner_id": "dev",
    "key_results": {"k1": {"owner_id": "new"}, "k2": {"owner_id": None}},
}
TEAM_GOAL = {"owner_type": "org_unit", "owner_id": "web", "key_results": {"k1": {"owner_id": None}}}


# ---- pure rules


def test_the_budget_allows_up_to_what_is_left_and_names_points_beyond():
    check_budget(10, 7, 3)
    with pytest.raises(InvalidField) as refused:
        check_budget(10, 8, 3)
    assert refused.value.field == "#/points" and "2 of 10 left" in str(refused.value)
    with pytest.raises(InvalidField):
        check_budget(10, 12, 1)


def test_the_recipient_is_someone_answerable_for_the_goal_never_the_giver():
    assert answerable(OBJECTIVE, None) == ["dev", "new"]
    assert answerable(OBJECTIVE, "k1") == ["new"]
    assert answerable(OBJECTIVE, "k2") == ["dev"]
    assert answerable(TEAM_GOAL, "k1") == []
    assert recipient_of(OBJECTIVE, None, None, "lead") == "dev"
    assert recipient_of(OBJECTIVE, None, "new", "lead") == "new"
    assert recipient_of(OBJECTIVE, "k1", None, "dev") == "new"
    for objective, kr, named, giver in [
        (OBJECTIVE, None, None, "dev"),
        (OBJECTIVE, "k2", "dev", "dev"),
        (OBJECTIVE, "k1", "dev", "lead"),
        (OBJECTIVE, None, "rep", "lead"),
        (TEAM_GOAL, "k1", None, "lead"),
    ]:
        with pytest.raises(InvalidField) as refused:
            recipient_of(objective, kr, named, giver)
        assert refused.value.field == "#/recipient_id"


def test_settings_take_defaults_and_name_the_field_at_fault():
    assert check_settings({}) == {"kudos_budget": 10, "honours": [], "streak_periods": 8}
    assert check_settings({"honours": [" Team of the quarter "]})["honours"] == [
        "Team of the quarter"
    ]
    for settings, pointer in [
        ({"kudos_budget": 0}, "#/kudos_budget"),
        ({"kudos_budget": True}, "#/kudos_budget"),
        ({"streak_periods": 1}, "#/streak_periods"),
        ({"honours": ["A", "A"]}, "#/honours/1"),
        ({"honours": [""]}, "#/honours/0"),
        ({"colour": "red"}, "#/colour"),
    ]:
        with pytest.raises(InvalidField) as refused:
            check_settings(settings)
        assert refused.value.field == pointer


def period(week: int) -> tuple[str, str]:
    start = FIRST_WEEK + week * WEEK
    return start.isoformat(), (start + WEEK).isoformat()


def reminders(*weeks: int, kr: str = "k1", owner: str = "ana") -> dict:
    dues = [
        {"owner_id": owner, "cadence": "weekly", "period_start": s, "period_end": e}
        for s, e in map(period, weeks)
    ]
    return {"key_result_id": kr, "dues": dues}


def test_a_period_is_on_time_when_every_key_result_due_in_it_was_checked_in_within_it():
    docs = [
        {
            "key_result_id": "k1",
            "dues": [
                {
                    "owner_id": "ana",
                    "cadence": "weekly",
                    "period_start": "2026-01-05T00:00:00+00:00",
                    "period_end": "2026-01-12T00:00:00+00:00",
                },
                {
                    "owner_id": "ana",
                    "cadence": "weekly",
                    "period_start": "2026-01-12T00:00:00+00:00",
                    "period_end": "2026-01-19T00:00:00+00:00",
                },
            ],
        },
        {
            "key_result_id": "k2",
            "dues": [
                {
                    "owner_id": "ana",
                    "cadence": "weekly",
                    "period_start": "2026-01-12T00:00:00+00:00",
                    "period_end": "2026-01-19T00:00:00+00:00",
                },
                {
                    "owner_id": "bob",
                    "cadence": "weekly",
                    "period_start": "2026-01-19T00:00:00+00:00",
                    "period_end": "2026-01-26T00:00:00+00:00",
                },
            ],
        },
    ]
    check_ins = {
        "k1": ["2026-01-11T23:59:59+00:00", "2026-01-13T09:00:00+00:00"],
        "k2": ["2026-01-19T00:00:00+00:00"],
    }
    assert streaks.periods_of("ana", docs, check_ins) == [
        (("2026-01-05T00:00:00+00:00", "2026-01-12T00:00:00+00:00"), True),
        (("2026-01-12T00:00:00+00:00", "2026-01-19T00:00:00+00:00"), False),
    ]
    check_ins["k2"].append("2026-01-18T10:00:00Z")
    assert [on_time for _, on_time in streaks.periods_of("ana", docs, check_ins)] == [True, True]


def test_a_streak_is_contiguous_on_time_periods_and_a_miss_or_gap_ends_it():
    weeks = [(period(w), w not in (3,)) for w in (0, 1, 2, 3, 4, 5, 7, 8)]
    assert streaks.streaks(weeks) == [
        [period(0), period(1), period(2)],
        [period(4), period(5)],
        [period(7), period(8)],
    ]


def test_a_streak_of_the_length_earns_one_badge_once():
    weeks = [(period(w), True) for w in range(10)]
    (badge,) = streaks.new_badges(weeks, 8, [])
    assert badge == [period(w) for w in range(8)]
    assert badge[0][0] == "2026-01-05T00:00:00+00:00"
    assert badge[-1][1] == "2026-03-02T00:00:00+00:00"
    span = (badge[0][0], badge[-1][1])
    assert streaks.new_badges(weeks, 8, [span]) == []
    assert streaks.new_badges(weeks[:7], 8, []) == []
    broken = [(p, w != 4) for w, (p, _) in enumerate(weeks)]
    assert streaks.new_badges(broken, 8, []) == []
    later = [(period(w), True) for w in [*range(10), *range(11, 19)]]
    assert len(streaks.new_badges(later, 8, [span])) == 1


def test_only_weekly_periods_count():
    doc = reminders(0, 1)
    doc["dues"][1]["cadence"] = "monthly"
    assert streaks.periods_of("ana", [doc], {}) == [(period(0), False)]


# ---- handlers


@pytest.fixture
def org():
    org = RecognitionOrg()
    org.learn_goals()
    return org


def kudos(objective="site", kr=None, **fields):
    return GiveKudos(
        oid(objective),
        fields.pop("message", "Great work"),
        oid(f"kr/{kr}") if kr else None,
        **fields,
    )


def refused(org, fn, *args) -> DomainError:
    before = org.stored()
    with pytest.raises(DomainError) as caught:
        fn(*args)
    assert org.stored() == before, "a refusal stored something"
    return caught.value


def test_kudos_go_to_the_goal_owner_from_the_givers_budget(org):
    given = org.recognition.give_kudos(kudos(points=3), caller("lead"))
    assert (given["giver_id"], given["recipient_id"], given["points"]) == ("lead", "dev", 3)
    assert given["cycle_id"] == CYCLE and given["key_result_id"] is None
    on_kr = org.recognition.give_kudos(kudos(kr="site-a11y"), caller("dev"))
    assert on_kr["recipient_id"] == "new"
    org.recognition.give_kudos(kudos(points=7), caller("lead"))
    error = refused(org, org.recognition.give_kudos, kudos(), caller("lead"))
    assert isinstance(error, InvalidField) and error.field == "#/points"
    assert "0 of 10 left" in str(error)


def test_the_tenant_sets_the_budget(org):
    org.recognition.set_settings(SetRecognitionSettings({"kudos_budget": 2}, "smaller"), ADMIN)
    org.recognition.give_kudos(kudos(points=2), caller("lead"))
    assert refused(org, org.recognition.give_kudos, kudos(), caller("lead")).field == "#/points"
    error = refused(org, org.recognition.set_settings, SetRecognitionSettings({}), caller("dev"))
    assert isinstance(error, Forbidden)


@pytest.mark.parametrize(
    "command, who, pointer",
    [
        (kudos(), "dev", "#/recipient_id"),
        (kudos(kr="site-speed"), "dev", "#/recipient_id"),
        (kudos(recipient_id="rep"), "lead", "#/recipient_id"),
        (kudos("web-team", recipient_id="dev"), "lead", "#/recipient_id"),
        (kudos("dev-secret"), "rep", "#/objective_id"),
        (kudos("dev-secret"), "new", "#/objective_id"),
        (GiveKudos(oid("nowhere"), "hi"), "lead", "#/objective_id"),
        (kudos(kr="sales-deals-kr"), "lead", "#/key_result_id"),
        (kudos(message="   "), "lead", "#/message"),
    ],
)
def test_bad_kudos_name_the_field_and_store_nothing(org, command, who, pointer):
    error = refused(org, org.recognition.give_kudos, command, caller(who))
    assert isinstance(error, InvalidField) and error.field == pointer, error


def test_kudos_across_tenants_are_as_on_an_unknown_goal(org):
    error = refused(org, org.recognition.give_kudos, kudos(), caller("lead", tenant="globex"))
    assert error.field == "#/objective_id"
    error = refused(org, org.recognition.give_kudos, kudos(), caller("lead", "auditor"))
    assert isinstance(error, InvalidField)


def test_a_retried_kudos_changes_nothing_and_a_reused_id_is_a_conflict(org):
    kudos_id = "0b7ad2b8-3a8a-4c4c-9d4e-2c3b5a6f7e81"
    first = org.recognition.give_kudos(kudos(kudos_id=kudos_id), caller("lead"))
    before = org.stored()
    again = org.recognition.give_kudos(kudos(kudos_id=kudos_id), caller("lead"))
    assert org.stored() == before and again["kudos_id"] == first["kudos_id"]
    error = refused(
        org, org.recognition.give_kudos, kudos(kudos_id=kudos_id, points=2), caller("lead")
    )
    assert isinstance(error, Conflict) and error.field == "#/kudos_id"


def test_recognition_shows_kudos_only_on_goals_the_reader_may_read(org):
    org.recognition.give_kudos(kudos(), caller("lead"))
    org.recognition.give_kudos(kudos("dev-secret"), caller("lead"))
    seen_by = {
        who: len(org.recognition.recognition_of(caller(who), "dev")["kudos_received"])
        for who in ("dev", "lead", "ceo", "rep", "new")
    }
    assert seen_by == {"dev": 2, "lead": 2, "ceo": 2, "rep": 1, "new": 1}
    mine = org.recognition.recognition_of(caller("lead"), "lead")
    assert len(mine["kudos_given"]) == 2 and mine["kudos_received"] == []
    assert org.recognition.recognition_of(caller("rep"), "lead")["kudos_given"][0][
        "objective_id"
    ] == oid("site")
    with pytest.raises(NotFound):
        org.recognition.recognition_of(caller("dev", tenant="globex"), "dev")


def nominate(nominee="dev", kind="person", honour="Team of the quarter", **fields):
    return Nominate(CYCLE, kind, nominee, honour, fields.pop("citation", "Shipped it"), **fields)


def test_a_manager_nominates_a_leader_above_approves_and_the_honour_is_held(org):
    nomination = org.recognition.nominate(nominate(), caller("lead"))
    assert nomination["state"] == "nominated" and nomination["nominated_by"] == "lead"
    nid = nomination["nomination_id"]
    approved = org.recognition.decide(Decide(nid, True, "well deserved"), caller("ceo", "leader"))
    assert approved["state"] == "approved" and approved["decided_by"] == "ceo"
    before = org.stored()
    assert (
        org.recognition.decide(Decide(nid, True, "again"), caller("ceo", "leader"))["reason"]
        == "well deserved"
    )
    assert org.stored() == before
    error = refused(org, org.recognition.decide, Decide(nid, False, "no"), ADMIN)
    assert isinstance(error, Conflict)
    honours = org.recognition.recognition_of(caller("rep"), "dev")["honours"]
    assert [h["honour"] for h in honours] == ["Team of the quarter"]


def test_a_team_is_nominated_by_someone_above_its_people_and_declined_with_a_reason(org):
    nomination = org.recognition.nominate(nominate("web", "org_unit"), caller("ceo"))
    nid = nomination["nomination_id"]
    assert [n["nomination_id"] for n in org.recognition.nominations(caller("ceo"), CYCLE)] == [nid]
    assert org.recognition.nominations(caller("dev"), CYCLE) == []
    error = refused(
        org, org.recognition.decide, Decide(nid, True, "mine"), caller("lead", "leader")
    )
    assert isinstance(error, Forbidden)
    declined = org.recognition.decide(Decide(nid, False, "next quarter"), ADMIN)
    assert declined["state"] == "declined" and declined["reason"] == "next quarter"


@pytest.mark.parametrize(
    "command, who, kind, pointer",
    [
        (nominate("dev"), "dev", InvalidField, "#/nominee_id"),
        (nominate("dev"), "rep", Forbidden, "#/nominee_id"),
        (nominate("dev"), "new", Forbidden, "#/nominee_id"),
        (nominate("web", "org_unit"), "lead", InvalidField, "#/nominee_id"),
        (nominate("web", "org_unit"), "vps", Forbidden, "#/nominee_id"),
        (nominate("ghost"), "ceo", InvalidField, "#/nominee_id"),
        (nominate("gone"), "vps", InvalidField, "#/nominee_id"),
        (Nominate("2031-Q1", "person", "dev", "Star", "x"), "lead", InvalidField, "#/cycle_id"),
        (nominate(citation=" "), "lead", InvalidField, "#/citation"),
    ],
)
def test_bad_nominations_name_the_field_and_store_nothing(org, command, who, kind, pointer):
    error = refused(org, org.recognition.nominate, command, caller(who))
    assert isinstance(error, kind) and error.field == pointer, error


def test_honours_come_from_the_tenants_list_when_it_has_one(org):
    org.recognition.set_settings(SetRecognitionSettings({"honours": ["Rookie"]}), ADMIN)
    error = refused(org, org.recognition.nominate, nominate(honour="Star"), caller("lead"))
    assert error.field == "#/honour"
    assert org.recognition.nominate(nominate(honour="Rookie"), caller("lead"))["honour"] == "Rookie"


def test_only_leaders_of_the_nominees_unit_or_above_and_admins_decide(org):
    nid = org.recognition.nominate(nominate(), caller("lead"))["nomination_id"]
    for who in (caller("vps", "leader"), caller("ceo"), caller("lead")):
        assert isinstance(
            refused(org, org.recognition.decide, Decide(nid, True, "ok"), who),
            (Forbidden, NotFound),
        )
    error = refused(org, org.recognition.decide, Decide(nid, True, "ok"), caller("dev", "leader"))
    assert isinstance(error, Forbidden)
    assert isinstance(
        refused(org, org.recognition.decide, Decide("nope", True, "ok"), ADMIN), NotFound
    )
    assert refused(org, org.recognition.decide, Decide(nid, True, " "), ADMIN).field == "#/reason"
    assert (
        org.recognition.decide(Decide(nid, True, "ok"), caller("lead", "leader"))["state"]
        == "approved"
    )


def test_eight_on_time_weeks_earn_one_streak_badge_even_when_redelivered(org):
    for week in range(7):
        org.week("site-speed", "site", "dev", week)
    assert org.recognition.recognition_of(caller("dev"), "dev")["badges"] == []
    org.week("site-speed", "site", "dev", 7)
    (badge,) = org.recognition.recognition_of(caller("rep"), "dev")["badges"]
    assert (badge["kind"], badge["periods"]) == ("check_in_streak", 8)
    assert badge["streak_start"] == "2026-01-05T00:00:00+00:00"
    assert badge["streak_end"] == "2026-03-02T00:00:00+00:00"
    before = org.stored()
    org.deliver(*org.delivered[-4:])
    org.week("site-speed", "site", "dev", 8)
    assert org.stored() == before
    assert len(org.recognition.recognition_of(caller("dev"), "dev")["badges"]) == 1


def test_a_late_or_missed_check_in_breaks_the_streak(org):
    for week in range(4):
        org.week("site-speed", "site", "dev", week)
    start = FIRST_WEEK + 4 * WEEK
    org.deliver(org.feed.due("site-speed", "site", "dev", start))
    org.deliver(org.feed.check_in("site-speed", "site", start + WEEK + timedelta(hours=1)))
    for week in range(5, 11):
        org.week("site-speed", "site", "dev", week)
    assert org.recognition.recognition_of(caller("dev"), "dev")["badges"] == []
    org.week("site-speed", "site", "dev", 11)
    org.week("site-speed", "site", "dev", 12)
    (badge,) = org.recognition.recognition_of(caller("dev"), "dev")["badges"]
    assert badge["streak_start"] == (FIRST_WEEK + 5 * WEEK).isoformat()


def test_key_results_added_and_reassigned_later_change_who_is_recognised(org):
    added = {
        "objective_id": oid("site"),
        "key_result": key_result("site-docs", "lead"),
        "reason": None,
        "correction": False,
    }
    org.deliver(org.feed.event("goals", "KeyResultAdded", oid("site"), added, NOW))
    given = org.recognition.give_kudos(kudos(kr="site-docs"), caller("dev"))
    assert given["recipient_id"] == "lead"
    revised = {
        "objective_id": oid("site"),
        "key_result_id": oid("kr/site-docs"),
        "changes": {"owner_id": "dev"},
        "previous": {"owner_id": "lead"},
        "reason": None,
        "correction": False,
    }
    org.deliver(org.feed.event("goals", "KeyResultRevised", oid("site"), revised, NOW))
    error = refused(org, org.recognition.give_kudos, kudos(kr="site-docs"), caller("dev"))
    assert error.field == "#/recipient_id"
    assert (
        org.recognition.give_kudos(kudos(kr="site-docs"), caller("lead"))["recipient_id"] == "dev"
    )
