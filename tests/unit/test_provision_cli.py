"""`python -m okr_shared.provision`: argument errors, settings errors, and `OKR_PROVISIONING`
switching the services' own creation of topics and tables off."""

from __future__ import annotations

import sqlite3

import pytest

from okr_shared.audit.ledger import AuditLedger
from okr_shared.knowledge_table import SqlKnowledge
from okr_shared.personal.keys import SqlKeyTable
from okr_shared.provision import startup
from okr_shared.provision.cli import main
from okr_shared.provision.startup import NotProvisioned, require_provisioned
from okr_shared.settings import KafkaSettings, event_store_env, provisioning_external
from okr_shared.sql_schema import creates_tables


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "required: command"),
        (["tables"], "--service"),
        (["tables", "--service", "projections"], "invalid choice: 'projections'"),
        (["tables", "--service", "web"], "invalid choice: 'web'"),
        (["tables", "--service", "goals", "--grant-to", "x; DROP TABLE y"], "not a role name"),
        (["check"], "--service"),
        (["migrate"], "invalid choice: 'migrate'"),
    ],
)
def test_bad_arguments_exit_2_naming_the_argument(argv, says, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert says in capsys.readouterr().err


def test_tables_on_a_store_that_is_not_postgres_exits_2_naming_the_settings(
    monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GOALS_PERSISTENCE_MODULE", "eventsourcing.sqlite")
    monkeypatch.setenv("GOALS_SQLITE_DBNAME", str(tmp_path / "goals"))
    assert main(["tables", "--service", "goals"]) == 2
    assert "GOALS_PERSISTENCE_MODULE=eventsourcing.postgres" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_provisioning_mode_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("OKR_PROVISIONING", "manual")
    with pytest.raises(ValueError, match="OKR_PROVISIONING must be one of auto, external"):
        provisioning_external()


def test_auto_is_the_default_and_creates_as_today(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("OKR_PROVISIONING", raising=False)
    monkeypatch.setenv("OKR_GOALS_SQLITE_PATH", str(tmp_path / "goals.sqlite"))
    assert KafkaSettings().creates_topics
    assert creates_tables(event_store_env("GOALS"), "GOALS")
    assert not KafkaSettings(create_topics=False).creates_topics


def test_external_switches_off_topic_and_table_creation(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("OKR_PROVISIONING", "external")
    monkeypatch.setenv("OKR_GOALS_SQLITE_PATH", str(tmp_path / "goals.sqlite"))
    assert not KafkaSettings().creates_topics
    env = event_store_env("GOALS")
    assert env["GOALS_CREATE_TABLE"] == "false"
    assert not creates_tables(env, "GOALS")


def test_tables_left_to_the_job_are_not_created(tmp_path) -> None:
    path = str(tmp_path / "db")
    SqlKeyTable(sqlite_path=path, create=False).close()
    SqlKnowledge(table="knowledge", sqlite_path=path, create=False).close()
    AuditLedger(sqlite_path=path, create=False).close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_auto_mode_checks_nothing(monkeypatch) -> None:
    def unreachable(*_args):
        raise AssertionError("no check in auto mode")

    monkeypatch.setattr(startup, "missing_topics", unreachable)
    monkeypatch.setattr(startup, "missing_tables", unreachable)
    require_provisioned("goals", KafkaSettings(provisioned_externally=False), {})


def test_external_mode_names_each_missing_table_and_topic_and_the_jobs(monkeypatch) -> None:
    async def no_topics(_kafka, topics):
        return [t for t in topics if "deadletter" in t]

    monkeypatch.setattr(startup, "missing_topics", no_topics)
    monkeypatch.setattr(startup, "missing_tables", lambda *_: ["public.goals_events"])
    store = {"GOALS_PERSISTENCE_MODULE": "eventsourcing.postgres"}
    with pytest.raises(NotProvisioned) as refused:
        require_provisioned("goals", KafkaSettings(provisioned_externally=True), store)
    message = str(refused.value)
    assert "PostgreSQL tables missing: public.goals_events" in message
    assert "provision tables --service goals --grant-to <role>" in message
    assert "Kafka topics missing: okr.deadletter.goals-relay.v1 (" in message
    assert "python -m okr_shared.provision topics" in message


def test_external_mode_passes_when_everything_exists(monkeypatch) -> None:
    async def none_missing(_kafka, _topics):
        return []

    monkeypatch.setattr(startup, "missing_topics", none_missing)
    monkeypatch.setattr(startup, "missing_tables", lambda *_: [])
    store = {"CHECKINS_PERSISTENCE_MODULE": "eventsourcing.postgres"}
    require_provisioned("checkins", KafkaSettings(provisioned_externally=True), store, "g")
