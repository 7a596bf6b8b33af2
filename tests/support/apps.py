"""In-process HTTP apps of the goal and check-in services over in-memory stores, with data."""

from __future__ import annotations

from fastapi import FastAPI

from okr_checkins.bootstrap import bootstrap as checkins_bootstrap
from okr_checkins.http import create_http_app as checkins_http
from okr_checkins.settings import CheckinsSettings
from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.http import create_http_app as goals_http
from okr_goals.settings import GoalsSettings
from tests.support.org import seed


def goals_app() -> FastAPI:
    """The goal service with the small organisation and its two cycles."""
    container = goals_bootstrap(
        GoalsSettings(event_store={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    )
    seed(container.features)
    return goals_http(container, run_relay=False)


def checkins_app(world) -> FastAPI:
    """The check-in service knowing the goals of `world` (see tests.support.checkins.World)."""
    settings = CheckinsSettings(event_store={"CHECKINS_PERSISTENCE_MODULE": "eventsourcing.popo"})
    container = checkins_bootstrap(settings, clock=world.clock, knowledge=world.knowledge)
    return checkins_http(container, background=False)
