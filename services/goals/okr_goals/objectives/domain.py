"""The Objective aggregate: what a company, department, team or person sets out to reach in a
cycle."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from eventsourcing.domain import Aggregate, event

from okr_goals.errors import (
    InitiativeNotFound,
    InvalidField,
    KeyResultNotFound,
    ProposalNotFound,
)
from okr_goals.objectives.key_results import (
    Initiative,
    KeyResult,
    check_title,
    validate_initiative,
    validate_key_result,
)
from okr_shared.contracts.upcasters import (
    key_result_added_v1_to_v2,
    not_a_correction,
    objective_created_v1_to_v2,
    objective_created_v2_to_v3,
    objective_v1_meant,
    objective_v2_meant,
)
from okr_shared.contracts.vocabulary import (
    COMMITMENTS,
    INITIATIVE_REVISABLE,
    KEY_RESULT_REVISABLE,
    LEVELS,
    OBJECTIVE_REVISABLE,
    OBJECTIVE_STATUSES,
    OWNER_TYPES,
    VISIBILITIES,
    choose,
)
from okr_shared.event_meta import EventMeta

LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
STATUSES = OBJECTIVE_STATUSES
NEW_STATUSES = choose(STATUSES, "draft", "active")
ALWAYS_PUBLIC_LEVELS = choose(LEVELS, "company", "department")
(DEFAULT_COMMITMENT,) = choose(COMMITMENTS, "aspirational")
_STATUS_MOVES = {
    "draft": ("active", "archived"),
    "active": ("closed", "archived"),
    "closed": ("active", "archived"),
    "archived": (),
}
RECOMMENDED_KEY_RESULTS = (2, 5)
DESCRIPTION_MAX = 4000


def validate_objective_fields(fields: dict[str, Any]) -> None:
    """Checks the objective-level fields present in `fields`."""
    if "title" in fields:
        check_title(fields["title"], "#/title")
    if "description" in fields and len(fields["description"]) > DESCRIPTION_MAX:
        raise InvalidField("#/description", f"must be at most {DESCRIPTION_MAX} characters")
    _check_choice(fields, "owner_type", OWNER_TYPES)
    if "owner_id" in fields and not str(fields["owner_id"]).strip():
        raise InvalidField("#/owner_id", "must not be blank")
    _check_choice(fields, "level", LEVELS)
    _check_choice(fields, "visibility", VISIBILITIES)
    _check_choice(fields, "commitment", COMMITMENTS)
    if "tags" in fields:
        _check_tags(fields["tags"])


def _check_choice(fields: dict[str, Any], name: str, choices: tuple[str, ...]) -> None:
    if name in fields and fields[name] not in choices:
        raise InvalidField(f"#/{name}", f"must be one of {', '.join(choices)}")


def _check_tags(tags: list[str]) -> None:
    if len(tags) > 20 or len(set(tags)) != len(tags):
        raise InvalidField("#/tags", "must be at most 20 distinct tags")
    for i, tag in enumerate(tags):
        if not 1 <= len(tag.strip()) <= 50:
            raise InvalidField(f"#/tags/{i}", "must be 1 to 50 characters")


def _check_shape(level: str, owner_type: str, visibility: str) -> None:
    if level == "individual" and owner_type != "person":
        raise InvalidField("#/owner_type", "an individual objective is owned by a person")
    if level in ALWAYS_PUBLIC_LEVELS and visibility != "public":
        raise InvalidField(
            "#/visibility", f"{level} objectives are leaders' objectives and always public"
        )


def changed_fields(
    current: Any, changes: dict[str, Any], allowed: tuple[str, ...]
) -> tuple[dict, dict]:
    """The changes that really change something and the values they replace; unknown fields and
    revisions that change nothing are refused."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidField(f"#/{sorted(unknown)[0]}", "cannot be revised")
    effective = {k: v for k, v in changes.items() if getattr(current, k) != v}
    if not effective:
        raise InvalidField("#", "the revision changes nothing")
    return effective, {k: getattr(current, k) for k in effective}


def check_supports(child_level: str, parent_level: str, pointer: str) -> None:
    """Raises unless an objective at `child_level` may support one at `parent_level` (same or
    higher)."""
    if LEVEL_RANK[parent_level] > LEVEL_RANK[child_level]:
        raise InvalidField(
            pointer, f"a {child_level} objective cannot support a lower, {parent_level} objective"
        )


def _check_weight(weight: Any, pointer: str) -> None:
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
        raise InvalidField(pointer, "must be a number between 0 and 1")


class Objective(Aggregate):
    """An objective with its key results, initiatives and alignment links; every change is an
    event."""

    class_version = 3

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """A snapshot of version 1: the objective fields as the contract upcaster reads a v1
        objective, and the stored-only state (initiatives, proposals, rollover) empty."""
        for name, value in objective_v1_meant().items():
            state.setdefault(name, value)
        state.setdefault("initiatives", [])
        state.setdefault("proposals", {})
        state.setdefault("rolled_over_to", None)

    @staticmethod
    def upcast_v2_v3(state: dict[str, Any]) -> None:
        """A snapshot of version 2: the commitment as the contract upcaster reads a v2 objective."""
        for name, value in objective_v2_meant().items():
            state.setdefault(name, value)

    class Created(Aggregate.Created):
        class_version = 3
        tenant_id: str
        title: str
        description: str
        level: str
        owner_type: str
        owner_id: str
        org_unit_id: str | None
        cycle_id: str
        tags: list[str]
        visibility: str
        status: str
        commitment: str
        key_results: list[dict[str, Any]]
        alignments: list[dict[str, Any]]
        rolled_over_from: dict[str, Any] | None
        meta: dict[str, Any]
        request_fingerprint: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(objective_created_v1_to_v2(state))

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state.update(objective_created_v2_to_v3(state))

    @event(Created)
    def __init__(
        self,
        tenant_id: str,
        title: str,
        description: str,
        level: str,
        owner_type: str,
        owner_id: str,
        org_unit_id: str | None,
        cycle_id: str,
        tags: list[str],
        visibility: str,
        status: str,
        commitment: str,
        key_results: list[dict[str, Any]],
        alignments: list[dict[str, Any]],
        rolled_over_from: dict[str, Any] | None,
        meta: dict[str, Any],
        request_fingerprint: str | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.title = title
        self.description = description
        self.level = level
        self.owner_type = owner_type
        self.owner_id = owner_id
        self.org_unit_id = org_unit_id
        self.cycle_id = cycle_id
        self.tags = list(tags)
        self.visibility = visibility
        self.status = status
        self.commitment = commitment
        self.key_results = [KeyResult.from_dict(kr) for kr in key_results]
        self.initiatives: list[Initiative] = []
        self.alignments = [dict(a) for a in alignments]
        self.proposals: dict[str, dict[str, Any]] = {}
        self.rolled_over_from = rolled_over_from
        self.rolled_over_to: dict[str, Any] | None = None
        self.request_fingerprint = request_fingerprint
        self.created_by = meta["actor_id"]

    @classmethod
    def create(
        cls,
        *,
        objective_id: Any,
        title: str,
        description: str,
        level: str,
        owner_type: str,
        owner_id: str,
        org_unit_id: str | None,
        cycle_id: str,
        tags: list[str],
        visibility: str,
        status: str,
        key_results: list[KeyResult],
        alignments: list[tuple[str, float]],
        meta: EventMeta,
        commitment: str = DEFAULT_COMMITMENT,
        rolled_over_from: dict[str, Any] | None = None,
        request_fingerprint: str | None = None,
    ) -> Objective:
        """Validates and sets a new objective."""
        validate_objective_fields(
            {
                "title": title,
                "description": description,
                "owner_type": owner_type,
                "owner_id": owner_id,
                "level": level,
                "tags": tags,
                "visibility": visibility,
                "commitment": commitment,
            }
        )
        if status not in NEW_STATUSES:
            raise InvalidField("#/status", "a new objective is draft or active")
        _check_shape(level, owner_type, visibility)
        for i, kr in enumerate(key_results):
            validate_key_result(kr, f"#/key_results/{i}")
        parents = [parent for parent, _ in alignments]
        if len(set(parents)) != len(parents):
            raise InvalidField("#/aligned_to", "names the same parent twice")
        if str(objective_id) in parents:
            raise InvalidField("#/aligned_to", "an objective cannot support itself")
        for i, (_, weight) in enumerate(alignments):
            _check_weight(weight, f"#/aligned_to/{i}/weight")
        return cls._create(
            cls.Created,
            id=objective_id,
            tenant_id=meta.tenant_id,
            title=title,
            description=description,
            level=level,
            owner_type=owner_type,
            owner_id=owner_id,
            org_unit_id=org_unit_id,
            cycle_id=cycle_id,
            tags=list(tags),
            visibility=visibility,
            status=status,
            commitment=commitment,
            key_results=[kr.as_dict() for kr in key_results],
            alignments=[{"parent_objective_id": p, "weight": w} for p, w in alignments],
            rolled_over_from=rolled_over_from,
            meta=meta.as_dict(),
            request_fingerprint=request_fingerprint,
        )

    # ---- queries

    def key_result(self, key_result_id: str) -> KeyResult:
        for kr in self.key_results:
            if kr.key_result_id == key_result_id:
                return kr
        raise KeyResultNotFound(key_result_id)

    def initiative(self, initiative_id: str) -> Initiative:
        for item in self.initiatives:
            if item.initiative_id == initiative_id:
                return item
        raise InitiativeNotFound(initiative_id)

    def parent_ids(self) -> list[str]:
        return [a["parent_objective_id"] for a in self.alignments]

    def alignment_weight(self, parent_id: str) -> float | None:
        return next(
            (a["weight"] for a in self.alignments if a["parent_objective_id"] == parent_id), None
        )

    def warnings(self) -> list[str]:
        """Advice that does not block: the field recommends 2 to 5 key results per objective."""
        low, high = RECOMMENDED_KEY_RESULTS
        count = len(self.key_results)
        if low <= count <= high:
            return []
        return [f"the objective has {count} key results; {low} to {high} are recommended"]

    # ---- objective fields and status

    def revise(
        self, changes: dict[str, Any], reason: str | None, correction: bool, meta: EventMeta
    ) -> None:
        """Changes objective fields; unchanged values are dropped, an empty change refused."""
        effective, previous = changed_fields(self, changes, OBJECTIVE_REVISABLE)
        validate_objective_fields(effective)
        _check_shape(
            self.level,
            effective.get("owner_type", self.owner_type),
            effective.get("visibility", self.visibility),
        )
        self._revised(
            changes=effective,
            previous=previous,
            reason=reason,
            correction=correction,
            meta=meta.as_dict(),
        )

    class Revised(Aggregate.Event):
        class_version = 2
        changes: dict[str, Any]
        previous: dict[str, Any]
        reason: str | None
        correction: bool
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(not_a_correction(state))

    @event(Revised)
    def _revised(
        self,
        changes: dict[str, Any],
        previous: dict[str, Any],
        reason: str | None,
        correction: bool,
        meta: dict[str, Any],
    ) -> None:
        for name, value in changes.items():
            setattr(self, name, list(value) if isinstance(value, list) else value)

    def change_status(
        self, status: str, reason: str | None, correction: bool, meta: EventMeta
    ) -> None:
        if status not in STATUSES:
            raise InvalidField("#/status", f"must be one of {', '.join(STATUSES)}")
        if status not in _STATUS_MOVES[self.status]:
            raise InvalidField("#/status", f"a {self.status} objective cannot become {status}")
        self._status_changed(
            status=status,
            previous_status=self.status,
            reason=reason,
            correction=correction,
            meta=meta.as_dict(),
        )

    @event("StatusChanged")
    def _status_changed(
        self,
        status: str,
        previous_status: str,
        reason: str | None,
        correction: bool,
        meta: dict[str, Any],
    ) -> None:
        self.status = status

    # ---- key results

    def add_key_result(
        self, key_result: KeyResult, reason: str | None, correction: bool, meta: EventMeta
    ) -> None:
        validate_key_result(key_result, "#")
        self._key_result_added(
            key_result=key_result.as_dict(),
            reason=reason,
            correction=correction,
            meta=meta.as_dict(),
        )

    class KeyResultAdded(Aggregate.Event):
        class_version = 2
        key_result: dict[str, Any]
        reason: str | None
        correction: bool
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(key_result_added_v1_to_v2(state))

    @event(KeyResultAdded)
    def _key_result_added(
        self, key_result: dict[str, Any], reason: str | None, correction: bool, meta: dict[str, Any]
    ) -> None:
        self.key_results = [*self.key_results, KeyResult.from_dict(key_result)]

    def revise_key_result(
        self,
        key_result_id: str,
        changes: dict[str, Any],
        reason: str | None,
        correction: bool,
        meta: EventMeta,
    ) -> None:
        """Changes fields of one key result (not its kind); the old values stay in the history."""
        current = self.key_result(key_result_id)
        effective, previous = changed_fields(current, changes, KEY_RESULT_REVISABLE)
        validate_key_result(replace(current, **effective), "#")
        self._key_result_revised(
            key_result_id=key_result_id,
            changes=effective,
            previous=previous,
            reason=reason,
            correction=correction,
            meta=meta.as_dict(),
        )

    class KeyResultRevised(Aggregate.Event):
        class_version = 2
        key_result_id: str
        changes: dict[str, Any]
        previous: dict[str, Any]
        reason: str | None
        correction: bool
        meta: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.update(not_a_correction(state))

    @event(KeyResultRevised)
    def _key_result_revised(
        self,
        key_result_id: str,
        changes: dict[str, Any],
        previous: dict[str, Any],
        reason: str | None,
        correction: bool,
        meta: dict[str, Any],
    ) -> None:
        self.key_results = [
            replace(kr, **changes) if kr.key_result_id == key_result_id else kr
            for kr in self.key_results
        ]

    # ---- initiatives

    def add_initiative(
        self, initiative: Initiative, reason: str | None, correction: bool, meta: EventMeta
    ) -> None:
        self.key_result(initiative.key_result_id)
        validate_initiative(initiative, "#")
        self._initiative_added(
            key_result_id=initiative.key_result_id,
            initiative=initiative.public(),
            reason=reason,
            correction=correction,
            meta=meta.as_dict(),
        )

    @event("InitiativeAdded")
    def _initiative_added(
        self,
        key_result_id: str,
        initiative: dict[str, Any],
        reason: str | None,
        correction: bool,
        meta: dict[str, Any],
    ) -> None:
        self.initiatives = [
            *self.initiatives,
            Initiative(key_result_id=key_result_id, **initiative),
        ]

    def revise_initiative(
        self,
        initiative_id: str,
        changes: dict[str, Any],
        reason: str | None,
        correction: bool,
        meta: EventMeta,
    ) -> None:
        current = self.initiative(initiative_id)
        effective, previous = changed_fields(current, changes, INITIATIVE_REVISABLE)
        validate_initiative(replace(current, **effective), "#")
        self._initiative_revised(
            key_result_id=current.key_result_id,
            initiative_id=initiative_id,
            changes=effective,
            previous=previous,
            reason=reason,
            correction=correction,
            meta=meta.as_dict(),
        )

    @event("InitiativeRevised")
    def _initiative_revised(
        self,
        key_result_id: str,
        initiative_id: str,
        changes: dict[str, Any],
        previous: dict[str, Any],
        reason: str | None,
        correction: bool,
        meta: dict[str, Any],
    ) -> None:
        self.initiatives = [
            replace(i, **changes) if i.initiative_id == initiative_id else i
            for i in self.initiatives
        ]

    # ---- alignment

    def check_parent(self, parent: Objective, pointer: str = "#/parent_objective_id") -> None:
        """Raises unless `parent` may be supported by this objective (a different one, at or above
        its level)."""
        if str(parent.id) == str(self.id):
            raise InvalidField(pointer, "an objective cannot support itself")
        check_supports(self.level, parent.level, pointer)

    def align(
        self,
        parent_id: str,
        weight: float,
        proposal_id: str | None,
        reason: str | None,
        correction: bool,
        meta: EventMeta,
    ) -> None:
        """Supports a parent (or changes the link's weight if it already does)."""
        _check_weight(weight, "#/weight")
        current = self.alignment_weight(parent_id)
        if current is None:
            self._aligned(
                parent_objective_id=parent_id,
                weight=weight,
                proposal_id=proposal_id,
                reason=reason,
                correction=correction,
                meta=meta.as_dict(),
            )
        elif current != weight:
            self._alignment_revised(
                parent_objective_id=parent_id,
                weight=weight,
                previous_weight=current,
                reason=reason,
                correction=correction,
                meta=meta.as_dict(),
            )
        else:
            raise InvalidField(
                "#/weight", "the objective already supports that parent with this weight"
            )

    @event("Aligned")
    def _aligned(
        self,
        parent_objective_id: str,
        weight: float,
        proposal_id: str | None,
        reason: str | None,
        correction: bool,
        meta: dict[str, Any],
    ) -> None:
        self.alignments = [
            *self.alignments,
            {"parent_objective_id": parent_objective_id, "weight": weight},
        ]
        if proposal_id is not None:
            self.proposals = {k: v for k, v in self.proposals.items() if k != proposal_id}

    @event("AlignmentRevised")
    def _alignment_revised(
        self,
        parent_objective_id: str,
        weight: float,
        previous_weight: float,
        reason: str | None,
        correction: bool,
        meta: dict[str, Any],
    ) -> None:
        self.alignments = [
            {**a, "weight": weight} if a["parent_objective_id"] == parent_objective_id else a
            for a in self.alignments
        ]

    def remove_alignment(
        self, parent_id: str, reason: str | None, correction: bool, meta: EventMeta
    ) -> None:
        if self.alignment_weight(parent_id) is None:
            raise InvalidField(
                "#/parent_objective_id", "the objective does not support that parent"
            )
        self._alignment_removed(
            parent_objective_id=parent_id, reason=reason, correction=correction, meta=meta.as_dict()
        )

    @event("AlignmentRemoved")
    def _alignment_removed(
        self, parent_objective_id: str, reason: str | None, correction: bool, meta: dict[str, Any]
    ) -> None:
        self.alignments = [
            a for a in self.alignments if a["parent_objective_id"] != parent_objective_id
        ]

    def propose_alignment(
        self, proposal_id: str, parent_id: str, weight: float, note: str | None, meta: EventMeta
    ) -> None:
        """Bottom-up: asks the parent's owner to accept this objective as support."""
        _check_weight(weight, "#/weight")
        if self.alignment_weight(parent_id) is not None:
            raise InvalidField(
                "#/parent_objective_id", "the objective already supports that parent"
            )
        if any(p["parent_objective_id"] == parent_id for p in self.proposals.values()):
            raise InvalidField(
                "#/parent_objective_id", "a proposal for that parent is already pending"
            )
        self._alignment_proposed(
            parent_objective_id=parent_id,
            proposal_id=proposal_id,
            weight=weight,
            note=note,
            meta=meta.as_dict(),
        )

    @event("AlignmentProposed")
    def _alignment_proposed(
        self,
        parent_objective_id: str,
        proposal_id: str,
        weight: float,
        note: str | None,
        meta: dict[str, Any],
    ) -> None:
        self.proposals = {
            **self.proposals,
            proposal_id: {
                "parent_objective_id": parent_objective_id,
                "weight": weight,
                "note": note,
                "proposed_by": meta["actor_id"],
            },
        }

    def proposal(self, proposal_id: str) -> dict[str, Any]:
        if proposal_id not in self.proposals:
            raise ProposalNotFound(proposal_id)
        return self.proposals[proposal_id]

    def decline_proposal(self, proposal_id: str, reason: str | None, meta: EventMeta) -> None:
        proposal = self.proposal(proposal_id)
        self._proposal_declined(
            parent_objective_id=proposal["parent_objective_id"],
            proposal_id=proposal_id,
            reason=reason,
            meta=meta.as_dict(),
        )

    @event("AlignmentProposalDeclined")
    def _proposal_declined(
        self, parent_objective_id: str, proposal_id: str, reason: str | None, meta: dict[str, Any]
    ) -> None:
        self.proposals = {k: v for k, v in self.proposals.items() if k != proposal_id}

    # ---- rollover

    def mark_rolled_over(self, to_objective_id: str, to_cycle_id: str, meta: EventMeta) -> None:
        self._rolled_over(
            cycle_id=self.cycle_id,
            to_objective_id=to_objective_id,
            to_cycle_id=to_cycle_id,
            meta=meta.as_dict(),
        )

    @event("RolledOver")
    def _rolled_over(
        self, cycle_id: str, to_objective_id: str, to_cycle_id: str, meta: dict[str, Any]
    ) -> None:
        self.rolled_over_to = {"objective_id": to_objective_id, "cycle_id": to_cycle_id}
