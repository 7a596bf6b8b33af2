"""Recognition events in their published `okr.incentives.v1` form: the subject is the tenant
(settings), the cycle (kudos and nominations, one stream per cycle) or the person (badges)."""

from __future__ import annotations

from typing import Any

from okr_incentives.recognition.domain import (
    NOMINEE,
    CycleRecognition,
    PersonBadges,
    RecognitionSettings,
)
from okr_shared.contracts.mappings import Mapper

KUDOS = ("kudos_id", "giver_id", "recipient_id", "objective_id", "key_result_id", "points")


def _settings(e: Any) -> tuple[str, dict[str, Any]]:
    return e.meta["tenant_id"], {"version": e.version, **e.settings, "reason": e.reason}


def _kudos(e: Any) -> tuple[str, dict[str, Any]]:
    return e.cycle_id, {
        **{k: e.kudos[k] for k in KUDOS},
        "cycle_id": e.cycle_id,
        "message": e.kudos["message"],
        "given_at": e.meta["at"],
    }


def _nominated(e: Any) -> tuple[str, dict[str, Any]]:
    return e.cycle_id, {
        **{k: e.nomination[k] for k in NOMINEE},
        "cycle_id": e.cycle_id,
        "citation": e.nomination["citation"],
        "nominated_by": e.meta["actor_id"],
    }


def _decided(e: Any) -> tuple[str, dict[str, Any]]:
    return e.cycle_id, {
        **{k: e.nominee[k] for k in NOMINEE},
        "cycle_id": e.cycle_id,
        "decided_by": e.meta["actor_id"],
        "reason": e.reason,
    }


def _badge(e: Any) -> tuple[str, dict[str, Any]]:
    fields = ("badge_id", "person_id", "kind", "periods", "streak_start", "streak_end")
    return e.person_id, {k: getattr(e, k) for k in fields}


MAPPERS: dict[type, tuple[str, Mapper]] = {
    RecognitionSettings.Set: ("RecognitionSettingsSet", _settings),
    CycleRecognition.KudosGiven: ("KudosGiven", _kudos),
    CycleRecognition.HonourNominated: ("HonourNominated", _nominated),
    CycleRecognition.HonourApproved: ("HonourApproved", _decided),
    CycleRecognition.HonourDeclined: ("HonourDeclined", _decided),
    PersonBadges.BadgeAwarded: ("BadgeAwarded", _badge),
}
