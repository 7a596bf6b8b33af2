"""The provisioning catalogue: every topic a service publishes to, consumes or dead-letters into
is one the topic job makes, and every table a service opens is one the migration job makes."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from okr_checkins.bootstrap import bootstrap as checkins_bootstrap
from okr_checkins.knowledge.store import TABLE as CHECKINS_KNOWLEDGE
from okr_checkins.settings import CheckinsSettings
from okr_checkins.store import CheckinsStore
from okr_goals.bootstrap import bootstrap as goals_bootstrap
from okr_goals.settings import GoalsSettings
from okr_goals.store import GoalsStore
from okr_incentives.bootstrap import bootstrap as incentives_bootstrap
from okr_incentives.knowledge.store import TABLE as INCENTIVES_KNOWLEDGE
from okr_incentives.settings import IncentivesSettings
from okr_incentives.store import IncentivesStore
from okr_projections.bootstrap import ProjectionsContainer
from okr_projections.settings import ProjectionsSettings
from okr_reviews.bootstrap import bootstrap as reviews_bootstrap
from okr_reviews.knowledge.store import TABLE as REVIEWS_KNOWLEDGE
from okr_reviews.settings import ReviewsSettings
from okr_reviews.store import ReviewsStore
from okr_shared import service_runtime
from okr_shared.audit import runtime as audit_runtime
from okr_shared.knowledge_table import MemoryKnowledge
from okr_shared.provision.catalogue import (
    AUDIT_TABLES,
    TABLES,
    all_topics,
    consumer_group,
    service_topics,
)
from okr_shared.settings import KafkaSettings

KAFKA = KafkaSettings(topic_namespace="ns", provisioned_externally=False)
IN_MEMORY = "eventsourcing.popo"


def _containers(tmp_path) -> dict[str, Any]:
    """Every write service bootstrapped over in-memory stores, with a namespaced topic."""
    store = {"PERSISTENCE_MODULE": IN_MEMORY, "SQLITE_DBNAME": str(tmp_path / "svc")}
    return {
        "goals": goals_bootstrap(GoalsSettings(kafka=KAFKA, event_store=store)),
        "checkins": checkins_bootstrap(
            CheckinsSettings(kafka=KAFKA, event_store=store), knowledge=MemoryKnowledge()
        ),
        "reviews": reviews_bootstrap(
            ReviewsSettings(kafka=KAFKA, event_store=store), knowledge=MemoryKnowledge()
        ),
        "incentives": incentives_bootstrap(
            IncentivesSettings(kafka=KAFKA, event_store=store), knowledge=MemoryKnowledge()
        ),
    }


async def _nothing() -> None:
    return None


async def _topics_used(container: Any, monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The topics a service's runtime ensures, publishes to and dead-letters into."""
    used: set[str] = set()

    async def record(_kafka: KafkaSettings, topics: Any) -> None:
        used.update(topics)

    monkeypatch.setattr(service_runtime, "ensure_topics", record)
    monkeypatch.setattr(audit_runtime, "ensure_topics", record)
    runtime = container.runtime()
    used.add(runtime.topic)
    if runtime.start_consuming is not None:
        monkeypatch.setattr(container.broker, "start", _nothing)
        monkeypatch.setattr(container.freshness, "watch", lambda: None)
        await runtime.start_consuming()
    relay = container.new_relay()
    used.update({relay.topic, relay.dead_letters})
    await audit_runtime.KafkaCheckpoints(KAFKA, "svc", container.registry).start()
    return used


@pytest.mark.parametrize("name", ["goals", "checkins", "reviews", "incentives"])
async def test_a_write_services_topics_are_those_its_bootstrap_uses(
    name: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_runtime.CloudEventPublisher, "start", lambda self: _nothing())
    container = _containers(tmp_path)[name]
    group = getattr(container.settings, "consumer_group", None)
    assert await _topics_used(container, monkeypatch) == set(service_topics(name, KAFKA, group))


async def test_the_projections_topics_are_those_it_consumes(monkeypatch) -> None:
    used: set[str] = set()

    async def record(_kafka: KafkaSettings, topics: Any) -> None:
        used.update(topics)

    from okr_projections import bootstrap as projections

    monkeypatch.setattr(projections, "ensure_topics", record)
    settings = ProjectionsSettings(kafka=KAFKA)
    broker = type("Broker", (), {"start": staticmethod(_nothing)})()
    container = ProjectionsContainer.__new__(ProjectionsContainer)
    object.__setattr__(container, "settings", settings)
    object.__setattr__(container, "broker", broker)
    await container.start_consuming()
    assert used == set(service_topics("projections", KAFKA, settings.consumer_group))


def test_every_topic_is_namespaced_and_listed_once() -> None:
    topics = all_topics(KAFKA, environ={})
    assert len(topics) == len(set(topics))
    assert all(t.startswith("ns.okr.") for t in topics)
    assert {"ns.okr.audit.v1", "ns.okr.deadletter.goals-relay.v1"} <= set(topics)
    assert "ns.okr.deadletter.okr-projections.v1" in topics


def test_a_configured_consumer_group_names_its_dead_letter_topic() -> None:
    environ = {"OKR_CHECKINS_GROUP": "checkins-blue"}
    assert consumer_group("checkins", environ) == "checkins-blue"
    assert "ns.okr.deadletter.checkins-blue.v1" in all_topics(KAFKA, environ=environ)
    assert consumer_group("goals", environ) is None


def test_the_default_groups_are_the_services_defaults() -> None:
    for name, settings in {
        "checkins": CheckinsSettings,
        "reviews": ReviewsSettings,
        "incentives": IncentivesSettings,
        "projections": ProjectionsSettings,
    }.items():
        default = settings.model_fields["consumer_group"].default
        assert consumer_group(name, environ={}) == default


@pytest.mark.parametrize(
    ("name", "store", "knowledge"),
    [
        ("goals", GoalsStore, None),
        ("checkins", CheckinsStore, CHECKINS_KNOWLEDGE),
        ("reviews", ReviewsStore, REVIEWS_KNOWLEDGE),
        ("incentives", IncentivesStore, INCENTIVES_KNOWLEDGE),
    ],
)
def test_a_services_tables_follow_its_store_and_knowledge(name, store, knowledge) -> None:
    tables = TABLES[name]
    assert tables.name == store.name
    assert tables.snapshots == bool(store.snapshotting_intervals)
    assert tables.knowledge == knowledge
    assert set(AUDIT_TABLES) <= set(tables.all)


@pytest.mark.parametrize("name", ["goals", "checkins", "reviews", "incentives"])
def test_the_tables_a_service_opens_on_sqlite_are_in_the_catalogue(
    name: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key, knowledge and audit tables a service opens (on SQLite, where it still makes
    them) are exactly those listed beside its event store (whose PostgreSQL names the
    integration test checks)."""
    monkeypatch.chdir(tmp_path)
    path = str(tmp_path / name)
    prefix = name.upper()
    store = {
        f"{prefix}_PERSISTENCE_MODULE": "eventsourcing.sqlite",
        f"{prefix}_SQLITE_DBNAME": path,
    }
    settings = {
        "goals": GoalsSettings,
        "checkins": CheckinsSettings,
        "reviews": ReviewsSettings,
        "incentives": IncentivesSettings,
    }[name](kafka=KAFKA, event_store=store)
    boot = {
        "goals": goals_bootstrap,
        "checkins": checkins_bootstrap,
        "reviews": reviews_bootstrap,
        "incentives": incentives_bootstrap,
    }[name]
    container = boot(settings)
    container.audit.ledger.position()
    made = set()
    for suffix in ("", ".keys", ".knowledge", ".audit"):
        try:
            with sqlite3.connect(f"file:{path}{suffix}?mode=ro", uri=True) as conn:
                rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                made |= {row[0] for row in rows}
        except sqlite3.OperationalError:
            continue
    beside_events = made - {"sqlite_sequence", "stored_events", "stored_snapshots"}
    assert beside_events == set(TABLES[name].all) - set(TABLES[name].event_store)
