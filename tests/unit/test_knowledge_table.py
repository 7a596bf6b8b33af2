"""A service's knowledge table keeps one document per tenant, kind and key, and never goes back
to an older version, in memory and in SQLite alike."""

import pytest

from okr_shared.knowledge_table import MemoryKnowledge, SqlKnowledge, open_knowledge


@pytest.fixture(params=["memory", "sqlite"])
def table(request, tmp_path):
    if request.param == "memory":
        yield MemoryKnowledge()
        return
    sql = SqlKnowledge(table="test_knowledge", sqlite_path=str(tmp_path / "k.db"))
    yield sql
    sql.close()


def test_an_unknown_document_is_version_zero(table):
    assert table.load("t1", "person", "ada") == (0, None)


def test_a_replayed_or_older_version_changes_nothing(table):
    assert table.store("t1", "person", "ada", 2, {"name": "Ada"})
    assert not table.store("t1", "person", "ada", 2, {"name": "Replayed"})
    assert not table.store("t1", "person", "ada", 1, {"name": "Older"})
    assert table.load("t1", "person", "ada") == (2, {"name": "Ada"})
    assert table.store("t1", "person", "ada", 3, {"name": "Ada L."})
    assert table.load("t1", "person", "ada") == (3, {"name": "Ada L."})


def test_documents_are_listed_by_kind_and_tenant_in_key_order(table):
    table.store("t2", "person", "bob", 1, {"id": "bob"})
    table.store("t1", "person", "zoe", 1, {"id": "zoe"})
    table.store("t1", "person", "ada", 1, {"id": "ada"})
    table.store("t1", "org_unit", "rnd", 1, {"id": "rnd"})
    assert [d["id"] for d in table.of_tenant("t1", "person")] == ["ada", "zoe"]
    assert [(t, d["id"]) for t, d in table.all_of("person")] == [
        ("t1", "ada"),
        ("t1", "zoe"),
        ("t2", "bob"),
    ]


def test_a_document_read_is_a_copy(table):
    table.store("t1", "objective", "o1", 1, {"key_results": {}})
    _, doc = table.load("t1", "objective", "o1")
    doc["key_results"]["kr"] = {}
    assert table.load("t1", "objective", "o1")[1] == {"key_results": {}}


def test_the_table_is_chosen_by_the_event_store_settings(tmp_path):
    sqlite = {"X_PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "s")}
    assert isinstance(open_knowledge(sqlite, "X", "x_knowledge"), SqlKnowledge)
    assert (tmp_path / "s.knowledge").exists()
    assert isinstance(open_knowledge({}, "X", "x_knowledge"), MemoryKnowledge)


def test_a_table_name_must_be_an_identifier(tmp_path):
    with pytest.raises(ValueError, match="table"):
        SqlKnowledge(table="k; DROP", sqlite_path=str(tmp_path / "k.db"))
