"""Recognition rules (pure) and the aggregates that record them.

- **Settings**, one versioned aggregate per tenant (`RecognitionSettings`): `kudos_budget`, the
  points each person may give in kudos per cycle (default 10; a kudos is worth 1 to that many
  points, 1 by default); `honours`, the tenant's list of honours (empty: any honour, free text);
  `streak_periods`, how many on-time weekly check-ins in a row earn a streak badge (default 8).
- **Kudos** on an objective or a key result, worth points from the giver's budget of the goal's
  cycle. Its recipient is a person answerable for the goal: for a key result its owner, else the
  objective's owning person; for an objective its owning person or the owner of one of its key
  results. Named explicitly (`recipient_id`) it must be one of them; else it is the key result's
  owner, or the objective's owning person. Nobody recognises themselves.
- **Nominations**: an honour for a person or a team (org unit) in a cycle, with a citation;
  decided once (approved or declined with a reason). Approving grants the honour.
- **Badges**: a person's streak badges (`okr_incentives.recognition.streaks`).
"""

from __future__ import annotations

import copy
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_shared import access
from okr_shared.contracts import vocabulary
from okr_shared.errors import Conflict, InvalidField, NotFound

Doc = dict[str, Any]

PERSON_NOMINEE, TEAM_NOMINEE = vocabulary.choose(vocabulary.NOMINEE_TYPES, "person", "org_unit")
(STREAK_BADGE,) = vocabulary.choose(vocabulary.BADGE_KINDS, "check_in_streak")
NOMINATED, APPROVED, DECLINED = "nominated", "approved", "declined"
NOMINEE = ("nomination_id", "nominee_type", "nominee_id", "honour")
"""What a decision names of the nomination it decides."""
DEFAULTS: Doc = {"kudos_budget": 10, "honours": [], "streak_periods": 8}
MAX_BUDGET = 1000
MAX_HONOURS = 50
MIN_STREAK, MAX_STREAK = 2, 52


class NominationNotFound(NotFound):
    def __init__(self, nomination_id: str) -> None:
        super().__init__("nomination", nomination_id)


class AlreadyDecided(Conflict):
    title = "Nomination already decided"
    kind = "nomination-decided"


def _whole(value: Any, pointer: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(pointer, "must be a whole number")
    if not low <= value <= high:
        raise InvalidField(pointer, f"must lie between {low} and {high}")
    return value


def check_settings(settings: Doc) -> Doc:
    """The settings with defaults filled in, if valid; else InvalidField naming the field."""
    for key in settings:
        if key not in DEFAULTS:
            raise InvalidField(f"#/{key}", "is not a recognition setting")
    given = {**copy.deepcopy(DEFAULTS), **settings}
    honours = given["honours"]
    if not isinstance(honours, list) or len(honours) > MAX_HONOURS:
        raise InvalidField("#/honours", f"must be a list of at most {MAX_HONOURS} honours")
    for i, name in enumerate(honours):
        if not isinstance(name, str) or not 1 <= len(name.strip()) <= 100:
            raise InvalidField(f"#/honours/{i}", "an honour is 1 to 100 characters")
        if name.strip() in [h.strip() for h in honours[:i]]:
            raise InvalidField(f"#/honours/{i}", "is listed twice")
    return {
        "kudos_budget": _whole(given["kudos_budget"], "#/kudos_budget", 1, MAX_BUDGET),
        "honours": [h.strip() for h in honours],
        "streak_periods": _whole(
            given["streak_periods"], "#/streak_periods", MIN_STREAK, MAX_STREAK
        ),
    }


def answerable(objective: Doc, key_result_id: str | None) -> list[str]:
    """The people a kudos on the goal may go to, the default recipient first."""
    owner = objective["owner_id"] if objective["owner_type"] == access.PERSON else None
    key_results = objective.get("key_results") or {}
    if key_result_id is not None:
        kr_owner = (key_results.get(key_result_id) or {}).get("owner_id")
        return [p for p in (kr_owner or owner,) if p]
    people = [owner] if owner else []
    return people + sorted({kr["owner_id"] for kr in key_results.values() if kr.get("owner_id")})


def recipient_of(objective: Doc, key_result_id: str | None, named: str | None, giver: str) -> str:
    """Who the kudos goes to; InvalidField on `#/recipient_id` when nobody fits, the one named is
    not answerable for the goal, or it is the giver."""
    people = answerable(objective, key_result_id)
    if named is not None and named not in people:
        raise InvalidField("#/recipient_id", "is not answerable for the goal")
    if named is None and not people:
        raise InvalidField("#/recipient_id", "the goal has no owning person: name the recipient")
    recipient = named or people[0]
    if recipient == giver:
        raise InvalidField("#/recipient_id", "nobody recognises themselves")
    return recipient


def check_budget(budget: int, used: int, points: int) -> None:
    """Refuses kudos beyond what is left of the giver's budget for the cycle."""
    left = max(0, budget - used)
    if points > left:
        raise InvalidField("#/points", f"{points} point(s) asked, {left} of {budget} left")


def check_honour(settings: Doc, honour: str) -> str:
    """The honour's name; one of the tenant's honours when it lists some."""
    name = honour.strip()
    if not name:
        raise InvalidField("#/honour", "must not be blank")
    if settings["honours"] and name not in settings["honours"]:
        raise InvalidField("#/honour", "is not one of the tenant's honours")
    return name


class RecognitionSettings(Aggregate):
    """Every version of a tenant's recognition settings, in order."""

    @event("Opened")
    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.versions: list[Doc] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str) -> RecognitionSettings:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id)

    @property
    def current(self) -> Doc:
        return copy.deepcopy(self.versions[-1] if self.versions else DEFAULTS)

    def set_settings(self, settings: Doc, reason: str | None, meta: Doc) -> int:
        checked = check_settings(settings)
        self._set(settings=checked, version=len(self.versions) + 1, reason=reason, meta=meta)
        return len(self.versions)

    @event("Set")
    def _set(self, settings: Doc, version: int, reason: str | None, meta: Doc) -> None:
        self.versions = [*self.versions, settings]


class CycleRecognition(Aggregate):
    """The kudos and nominations of one cycle of a tenant."""

    @event("Opened")
    def __init__(self, tenant_id: str, cycle_id: str) -> None:
        self.tenant_id = tenant_id
        self.cycle_id = cycle_id
        self.kudos: dict[str, Doc] = {}
        self.nominations: dict[str, Doc] = {}

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, cycle_id: str) -> CycleRecognition:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id, cycle_id=cycle_id)

    def used_by(self, giver_id: str) -> int:
        """The points of kudos the person gave in the cycle."""
        return sum(k["points"] for k in self.kudos.values() if k["giver_id"] == giver_id)

    def give(self, kudos: Doc, budget: int, meta: Doc) -> None:
        check_budget(budget, self.used_by(kudos["giver_id"]), kudos["points"])
        self._given(cycle_id=self.cycle_id, kudos=kudos, meta=meta)

    @event("KudosGiven")
    def _given(self, cycle_id: str, kudos: Doc, meta: Doc) -> None:
        self.kudos = {**self.kudos, kudos["kudos_id"]: {**kudos, "given_at": meta["at"]}}

    def nominate(self, nomination: Doc, meta: Doc) -> None:
        self._nominated(cycle_id=self.cycle_id, nomination=nomination, meta=meta)

    @event("HonourNominated")
    def _nominated(self, cycle_id: str, nomination: Doc, meta: Doc) -> None:
        record = {
            **nomination,
            "cycle_id": cycle_id,
            "state": NOMINATED,
            "nominated_by": meta["actor_id"],
            "nominated_at": meta["at"],
            "decided_by": None,
            "decided_at": None,
            "reason": None,
        }
        self.nominations = {**self.nominations, nomination["nomination_id"]: record}

    def decide(self, nomination_id: str, approve: bool, reason: str, meta: Doc) -> bool:
        """Approves or declines a pending nomination; the same decision again records nothing
        (False), the other one is refused."""
        state = self.nominations[nomination_id]["state"]
        wanted = APPROVED if approve else DECLINED
        if state == wanted:
            return False
        if state != NOMINATED:
            raise AlreadyDecided("path:nomination_id", f"the nomination was {state} already")
        record = self.nominations[nomination_id]
        nominee = {k: record[k] for k in NOMINEE}
        trigger = self._approved if approve else self._declined
        trigger(cycle_id=self.cycle_id, nominee=nominee, reason=reason, meta=meta)
        return True

    def _decided(self, nomination_id: str, state: str, reason: str, meta: Doc) -> None:
        record = {
            **self.nominations[nomination_id],
            "state": state,
            "decided_by": meta["actor_id"],
            "decided_at": meta["at"],
            "reason": reason,
        }
        self.nominations = {**self.nominations, nomination_id: record}

    @event("HonourApproved")
    def _approved(self, cycle_id: str, nominee: Doc, reason: str, meta: Doc) -> None:
        self._decided(nominee["nomination_id"], APPROVED, reason, meta)

    @event("HonourDeclined")
    def _declined(self, cycle_id: str, nominee: Doc, reason: str, meta: Doc) -> None:
        self._decided(nominee["nomination_id"], DECLINED, reason, meta)


class PersonBadges(Aggregate):
    """A person's streak badges."""

    @event("Opened")
    def __init__(self, tenant_id: str, person_id: str) -> None:
        self.tenant_id = tenant_id
        self.person_id = person_id
        self.badges: list[Doc] = []

    @classmethod
    def open(cls, aggregate_id: Any, tenant_id: str, person_id: str) -> PersonBadges:
        return cls._create(cls.Opened, id=aggregate_id, tenant_id=tenant_id, person_id=person_id)

    def spans(self) -> list[tuple[str, str]]:
        return [(b["streak_start"], b["streak_end"]) for b in self.badges]

    def award(self, badge_id: str, periods: list[tuple[str, str]], meta: Doc) -> None:
        self._awarded(
            badge_id=badge_id,
            person_id=self.person_id,
            kind=STREAK_BADGE,
            periods=len(periods),
            streak_start=periods[0][0],
            streak_end=periods[-1][1],
            meta=meta,
        )

    @event("BadgeAwarded")
    def _awarded(
        self,
        badge_id: str,
        person_id: str,
        kind: str,
        periods: int,
        streak_start: str,
        streak_end: str,
        meta: Doc,
    ) -> None:
        badge = {
            "badge_id": badge_id,
            "kind": kind,
            "periods": periods,
            "streak_start": streak_start,
            "streak_end": streak_end,
            "awarded_at": meta["at"],
        }
        self.badges = [*self.badges, badge]
