"""Composition root of the projections service: the feature stores, projectors and queries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from okr_projections.ambition.projector import AmbitionProjector
from okr_projections.ambition.queries import AmbitionQueries
from okr_projections.ambition.store import AmbitionStore
from okr_projections.batch import Batching
from okr_projections.check_ins.domain import CHECK_IN_EVENTS
from okr_projections.check_ins.projector import NOT_PROJECTED, CheckInProjector
from okr_projections.check_ins.store import CheckInStore
from okr_projections.consumer import build_broker
from okr_projections.cycles.domain import CYCLE_EVENTS
from okr_projections.cycles.projector import CycleProjector
from okr_projections.cycles.queries import CycleQueries
from okr_projections.cycles.store import CycleStore
from okr_projections.directory.domain import ORG_UNIT_EVENTS, PERSON_EVENTS
from okr_projections.directory.org_units_store import OrgUnitStore
from okr_projections.directory.people_store import PeopleStore
from okr_projections.directory.projector import DirectoryProjector
from okr_projections.directory.queries import DirectoryQueries
from okr_projections.due.domain import REMINDER_EVENTS
from okr_projections.due.projector import DueProjector
from okr_projections.due.queries import DueQueries
from okr_projections.due.store import DueStore
from okr_projections.grading_due.domain import REMINDER_EVENTS as GRADING_REMINDER_EVENTS
from okr_projections.grading_due.domain import SETTLING_EVENTS as GRADING_SETTLING_EVENTS
from okr_projections.grading_due.projector import GradingDueProjector
from okr_projections.grading_due.queries import GradingDueQueries
from okr_projections.grading_due.store import GradingDueStore
from okr_projections.objectives.domain import OBJECTIVE_EVENTS
from okr_projections.objectives.projector import ObjectiveProjector
from okr_projections.objectives.queries import ObjectiveQueries
from okr_projections.objectives.store import ObjectiveStore
from okr_projections.pointer import Pointer
from okr_projections.projector import Following, Handle, Projector, ReadModels, also, skip
from okr_projections.recognition.domain import NOT_PROJECTED as RECOGNITION_SETTINGS_EVENTS
from okr_projections.recognition.domain import RECOGNITION_EVENTS
from okr_projections.recognition.projector import RecognitionProjector
from okr_projections.recognition.queries import RecognitionQueries
from okr_projections.recognition.store import RecognitionStore
from okr_projections.reviews.domain import NOT_PROJECTED as REVIEW_RULE_EVENTS
from okr_projections.reviews.domain import REVIEW_EVENTS
from okr_projections.reviews.projector import ReviewProjector
from okr_projections.reviews.queries import GradingQueries
from okr_projections.reviews.store import ReviewStore
from okr_projections.rewards.projector import RewardProjector
from okr_projections.rewards.queries import RewardQueries
from okr_projections.rewards.store import RewardStore
from okr_projections.settings import ProjectionsSettings
from okr_projections.store import WritePolicy, conditional_writes_work
from okr_shared.contracts import default_registry
from okr_shared.identity import TokenVerifier
from okr_shared.messaging import (
    CHECKINS_TOPIC,
    GOALS_TOPIC,
    INCENTIVES_TOPIC,
    REVIEWS_TOPIC,
    dead_letter_topic,
    ensure_topics,
)
from okr_shared.personal import ERASURE_EVENT
from okr_shared.provision import require_provisioned

log = logging.getLogger(__name__)


@dataclass
class Queries:
    """What the HTTP API asks, one object per feature."""

    objectives: ObjectiveQueries
    directory: DirectoryQueries
    cycles: CycleQueries
    due: DueQueries
    reviews: GradingQueries
    ambition: AmbitionQueries | None = None
    grading_due: GradingDueQueries | None = None
    rewards: RewardQueries | None = None
    recognition: RecognitionQueries | None = None


@dataclass
class ProjectionsContainer:
    settings: ProjectionsSettings
    mongo: AsyncMongoClient
    store: ObjectiveStore
    broker: KafkaBroker
    verifier: TokenVerifier
    projector: Projector
    queries: Queries
    policy: WritePolicy
    following: Following | None = None
    database: str = ""
    follower_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    async def ensure_indexes(self) -> None:
        """Creates every read model's indexes (idempotent); fits the write guards to the store."""
        self.policy.conditional = await conditional_writes_work(self.mongo)
        for store in self.projector.read_models:
            await store.ensure_indexes()

    @property
    def pointer(self) -> Pointer:
        return Pointer(self.mongo, self.settings.database)

    async def follow(self, database: str) -> None:
        """Reads and projects into `database` from now on (its indexes made first); a request
        under way finishes on the database it started with."""
        projector, queries = build_read_side(self.mongo, database, self.policy)
        for store in projector.read_models:
            await store.ensure_indexes()
        self.projector, self.queries, self.store = (
            projector,
            queries,
            projector.read_models.objectives,
        )
        self.database = database
        if self.following is not None:
            self.following.projector = projector

    async def follow_pointer(self) -> str:
        """Follows the database the pointer names, and records that this process does."""
        active = await self.pointer.active()
        if active != (self.database or self.settings.database):
            await self.follow(active)
        await self.pointer.followed(self.follower_id, active)
        return active

    async def follow_forever(self, stop: asyncio.Event) -> None:
        """Looks at the pointer every `OKR_PROJECTIONS_POINTER_POLL` seconds until `stop`."""
        while not stop.is_set():
            try:
                await self.follow_pointer()
            except Exception:
                log.exception("could not follow the read models' pointer; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.pointer_poll_seconds)

    async def start_consuming(self) -> None:
        """Creates the consumed and dead-letter topics if missing, then starts the subscribers."""
        kafka = self.settings.kafka
        await ensure_topics(
            kafka,
            [
                kafka.topic(GOALS_TOPIC),
                kafka.topic(CHECKINS_TOPIC),
                kafka.topic(REVIEWS_TOPIC),
                kafka.topic(INCENTIVES_TOPIC),
                kafka.topic(dead_letter_topic(self.settings.consumer_group)),
            ],
        )
        await self.broker.start()


def build_projector(
    objectives: ObjectiveStore,
    org_units: OrgUnitStore,
    people: PeopleStore,
    cycles: CycleStore,
    check_ins: CheckInStore | None = None,
    due: DueStore | None = None,
    reviews: ReviewStore | None = None,
    ambition: AmbitionStore | None = None,
    grading_due: GradingDueStore | None = None,
    rewards: RewardStore | None = None,
    recognition: RecognitionStore | None = None,
) -> Projector:
    """The features' projectors, and which one folds each event (check-ins and reviews need
    their stores; the scoring rules are no read model's)."""
    check_in = (
        CheckInProjector(objectives, check_ins, due, erased=people.erased)
        if check_ins is not None and due is not None
        else None
    )
    review = ReviewProjector(objectives, reviews) if reviews is not None else None
    objective = ObjectiveProjector(objectives, check_in, review)
    directory = DirectoryProjector(org_units, people)
    cycle = CycleProjector(cycles)
    handlers: dict[str, Handle] = {
        **dict.fromkeys(OBJECTIVE_EVENTS, objective.project),
        **dict.fromkeys(ORG_UNIT_EVENTS, directory.project_org_unit),
        **dict.fromkeys(PERSON_EVENTS, directory.project_person),
        **dict.fromkeys(CYCLE_EVENTS, cycle.project),
    }
    if check_in is not None and check_ins is not None and due is not None:
        reminders = DueProjector(check_ins, due)
        handlers |= {
            **dict.fromkeys(CHECK_IN_EVENTS, check_in.project),
            **dict.fromkeys(REMINDER_EVENTS, reminders.project),
            **dict.fromkeys(NOT_PROJECTED, skip),
        }
        handlers = also(handlers, [ERASURE_EVENT], check_in.erase)
    if review is not None:
        handlers |= {
            **dict.fromkeys(REVIEW_EVENTS, review.project),
            **dict.fromkeys(REVIEW_RULE_EVENTS, skip),
        }
    if grading_due is not None:
        grading = GradingDueProjector(grading_due)
        handlers |= dict.fromkeys(GRADING_REMINDER_EVENTS, grading.project)
        handlers = also(handlers, GRADING_SETTLING_EVENTS, grading.settle)
    if rewards is not None:
        handlers |= RewardProjector(rewards).handlers()
    if recognition is not None:
        recognised = RecognitionProjector(recognition, people)
        handlers |= {
            **dict.fromkeys(RECOGNITION_EVENTS, recognised.project),
            **dict.fromkeys(RECOGNITION_SETTINGS_EVENTS, skip),
        }
    if ambition is not None:
        handlers = AmbitionProjector(ambition, objectives).following(handlers)
    read_models = ReadModels(
        objectives,
        org_units,
        people,
        cycles,
        check_ins,
        due,
        reviews,
        ambition=ambition,
        grading_due=grading_due,
        rewards=rewards,
        recognition=recognition,
    )
    return Projector(handlers, read_models)


def build_queries(
    objectives: ObjectiveStore,
    org_units: OrgUnitStore,
    people: PeopleStore,
    cycles: CycleStore,
    due: DueStore | None = None,
    ambition: AmbitionStore | None = None,
    grading_due: GradingDueStore | None = None,
    rewards: RewardStore | None = None,
    recognition: RecognitionStore | None = None,
) -> Queries:
    """The features' queries; objectives, cycles and due ask the directory who the reader is,
    grading asks the objectives."""
    directory = DirectoryQueries(org_units, people)
    objective = ObjectiveQueries(objectives, directory)
    return Queries(
        objective,
        directory,
        CycleQueries(cycles, objective, directory),
        DueQueries(due, directory),
        GradingQueries(objective),
        AmbitionQueries(ambition, cycles, directory),
        GradingDueQueries(grading_due, directory),
        RewardQueries(rewards, directory),
        RecognitionQueries(recognition, objective, directory),
    )


def build_read_side(
    mongo: AsyncMongoClient, database: str, policy: WritePolicy
) -> tuple[Projector, Queries]:
    """Every read model's store in `database`, the projector folding events into them and the
    queries reading them; their collections take part in the batch open in the calling task
    (`okr_projections.batch`), if any."""
    client: Any = Batching(mongo)
    stores = (
        ObjectiveStore(client, database, policy=policy),
        OrgUnitStore(client, database, policy=policy),
        PeopleStore(client, database, policy=policy),
        CycleStore(client, database, policy=policy),
    )
    due = DueStore(client, database)
    ambition = AmbitionStore(client, database, policy=policy)
    grading_due = GradingDueStore(client, database)
    rewards = RewardStore(client, database, policy=policy)
    recognition = RecognitionStore(client, database, policy=policy)
    projector = build_projector(
        *stores,
        check_ins=CheckInStore(client, database, policy=policy),
        due=due,
        reviews=ReviewStore(client, database, policy=policy),
        ambition=ambition,
        grading_due=grading_due,
        rewards=rewards,
        recognition=recognition,
    )
    queries = build_queries(
        *stores,
        due=due,
        ambition=ambition,
        grading_due=grading_due,
        rewards=rewards,
        recognition=recognition,
    )
    return projector, queries


def bootstrap(settings: ProjectionsSettings | None = None) -> ProjectionsContainer:
    """Builds the projections service's dependencies (one Mongo client, one broker) over the base
    database; the HTTP app's lifespan then follows the pointer."""
    settings = settings or ProjectionsSettings()
    require_provisioned("projections", settings.kafka, group=settings.consumer_group)
    mongo: AsyncMongoClient = AsyncMongoClient(
        settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=10000
    )
    policy = WritePolicy()
    projector, queries = build_read_side(mongo, settings.database, policy)
    following = Following(projector)
    broker = build_broker(
        settings.kafka, following, default_registry(), settings.consumer_group, policy=policy
    )
    return ProjectionsContainer(
        settings,
        mongo,
        projector.read_models.objectives,
        broker,
        TokenVerifier(settings.auth),
        projector,
        queries,
        policy,
        following=following,
        database=settings.database,
    )
