"""Every check-in event is published in its documented contract on `okr.checkins.v1`."""

from okr_checkins.adapters.event_contracts import to_cloud_event
from okr_checkins.application.commands import (
    CorrectCheckIn,
    GiveFeedback,
    RecordCheckIn,
    Report,
    SetCadence,
    StartConversation,
)
from okr_shared.contracts import default_registry
from tests.support.catalogue import catalogue
from tests.support.checkins_world import World
from tests.support.org import ADMIN, caller


def test_every_documented_check_in_event_is_published_valid_and_without_stored_state():
    world = World()
    app = world.app
    first = app.record_check_in(
        RecordCheckIn(world.numeric, Report(60.0, 8, blockers=("vendor",))), caller("dev")
    )
    app.correct_check_in(
        CorrectCheckIn(world.numeric, first["check_in_id"], Report(62.0, 8), "typo"), caller("dev")
    )
    app.set_cadence(SetCadence("biweekly", None, "calmer"), ADMIN)
    app.set_cadence(SetCadence("weekly"), ADMIN)
    app.send_reminders()
    talk = app.start_conversation(StartConversation("dev", "growth"), caller("dev"))
    app.post_message(caller("lead"), str(talk.id), "Let's talk about Q2")
    app.give_feedback(
        GiveFeedback(str(world.objective.id), "concern", "Too ambitious?"), caller("rep")
    )
    events = [
        to_cloud_event(app.mapper.to_domain_event(n), default_registry())
        for n in app.recorder.select_notifications(0, 1000)
    ]
    published = [e for e in events if e is not None]
    documented = set(catalogue("okr.checkins.v1"))
    assert {e.type.removeprefix("okr.checkins.") for e in published} == documented
    corrected = next(e for e in published if e.type == "okr.checkins.CheckInCorrected")
    assert (
        corrected.data["corrects_check_in_id"] == first["check_in_id"]
        and corrected.subject == world.numeric
    )
    for e in published:
        assert "recorded_at" not in e.data and "meta" not in e.data and e.tenantid == "acme"
