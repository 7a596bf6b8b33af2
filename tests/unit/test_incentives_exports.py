"""Payroll exports of the small organisation's cycle: the CSV adds up to the ledger, a repeated
request gives the same export and bytes, a new entry a new one; the export is published in its
contract; an unfinalised cycle and every other bad request are refused with nothing stored."""

import csv
import hashlib
import io
import json

import pytest

from okr_incentives.awards.commands import BindPolicy
from okr_incentives.contracts import to_cloud_event
from okr_incentives.exports.commands import ExportCycle
from okr_incentives.exports.domain import COLUMNS, rows_of, safe_cell, to_csv
from okr_incentives.exports.schemas import ExportFileOut
from okr_incentives.policies.commands import SetRewardPolicy
from okr_shared.contracts import default_registry, vocabulary
from okr_shared.errors import Conflict, Forbidden, NotFound
from tests.support.incentives import ADMIN, CYCLE, POLICY, SmallOrg, caller

AUDITOR = caller("audit", "auditor")


def bound_org(*finalised):
    """The small organisation with its reviews finalised (the named ones, all when none) and,
    when all are, `POLICY` bound to the cycle."""
    org = SmallOrg()
    org.learn_directory()
    org.finalise(*finalised)
    org.policies.set_policy(SetRewardPolicy("bonus", POLICY, "house rules"), ADMIN)
    if not finalised:
        org.awards.bind(BindPolicy(CYCLE, "bonus", 1, "Q1 bonus"), ADMIN)
    return org


def export(org, who=ADMIN):
    return org.service.exports.export(ExportCycle(CYCLE), who)


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def test_the_csv_adds_up_to_every_persons_ledger_balance():
    org = bound_org()
    made = export(org)
    rows = csv_rows(org.service.exports.file(ADMIN, made.export.export_id, "csv"))
    assert [r["person_id"] for r in rows] == ["dev", "lead", "rep", "vps"]
    for row in rows:
        ledger = org.awards.ledger(ADMIN, row["person_id"])
        assert int(row["points"]) == ledger["balance"]["points"]
        assert float(row["multiplier"]) == ledger["cycles"][0]["multiplier"]
        assert row["entry_ids"].split(";") == [e["entry_id"] for e in ledger["entries"]]
    # The hand-computed awards: vps 180, rep 0, lead 135, dev 75.
    assert {r["person_id"]: int(r["points"]) for r in rows} == {
        "vps": 180,
        "rep": 0,
        "lead": 135,
        "dev": 75,
    }
    assert sum(int(r["points"]) for r in rows) == made.export.totals["points"] == 390
    assert made.export.rows == 4 and made.export.totals["entries"] == 4


def test_each_row_names_the_review_events_behind_its_entries():
    org = bound_org()
    made = export(org)
    rows = {
        r["person_id"]: r
        for r in csv_rows(org.service.exports.file(ADMIN, made.export.export_id, "csv"))
    }
    finals = org.finals
    dev_events = rows["dev"]["review_event_ids"].split(";")
    assert sorted(dev_events) == sorted([finals["dev-checkout"].id, finals["dev-latency"].id])
    assert rows["vps"]["review_event_ids"] == finals["vps-growth"].id
    assert rows["vps"]["badges"] == ""
    assert list(rows["vps"]) == list(COLUMNS)


def test_a_repeated_request_returns_the_same_export_and_the_same_bytes_storing_nothing():
    org = bound_org()
    first = export(org)
    csv_bytes = org.service.exports.file(ADMIN, first.export.export_id, "csv")
    json_bytes = org.service.exports.file(ADMIN, first.export.export_id, "json")
    stored = org.stored()
    again = export(org)
    assert first.created and not again.created
    assert again.export.export_id == first.export.export_id
    assert org.stored() == stored
    assert org.service.exports.file(ADMIN, again.export.export_id, "csv") == csv_bytes
    assert org.service.exports.file(ADMIN, again.export.export_id, "json") == json_bytes
    digests = {f["format"]: f["sha256"] for f in first.export.files}
    assert digests == {
        "csv": hashlib.sha256(csv_bytes).hexdigest(),
        "json": hashlib.sha256(json_bytes).hexdigest(),
    }


def test_a_new_ledger_entry_makes_a_new_export_and_the_old_one_keeps_its_bytes():
    org = bound_org()
    first = export(org)
    old_csv = org.service.exports.file(ADMIN, first.export.export_id, "csv")
    correction = org.correct("dev-latency", 0.8)
    second = export(org)
    assert second.created and second.export.export_id != first.export.export_id
    assert second.export.ledger_position == first.export.ledger_position + 1
    rows = {
        r["person_id"]: r
        for r in csv_rows(org.service.exports.file(ADMIN, second.export.export_id, "csv"))
    }
    # dev: granted 75, then the correction (0.8 x 1 + 0.8 x 3) / 4 = 0.8 -> 180 x 210/280 = 135.
    assert int(rows["dev"]["points"]) == 135 == org.awards.ledger(ADMIN, "dev")["balance"]["points"]
    assert float(rows["dev"]["multiplier"]) == 1.5
    assert len(rows["dev"]["entry_ids"].split(";")) == 2
    assert correction.id in rows["dev"]["review_event_ids"].split(";")
    assert second.export.totals == {"points": 450, "entries": 5}
    assert org.service.exports.file(ADMIN, first.export.export_id, "csv") == old_csv


def test_the_json_file_holds_the_same_rows_with_each_entry():
    org = bound_org()
    org.correct("dev-latency", 0.8)
    made = export(org)
    document = json.loads(org.service.exports.file(AUDITOR, made.export.export_id, "json"))
    ExportFileOut.model_validate(document)
    assert document["export_id"] == made.export.export_id
    assert document["ledger_position"] == made.export.ledger_position
    dev = next(p for p in document["people"] if p["person_id"] == "dev")
    assert [(e["kind"], e["points"]) for e in dev["entries"]] == [("granted", 75), ("adjusted", 60)]
    assert dev["points"] == sum(e["points"] for e in dev["entries"]) == 135
    assert dev["badges"] == []


def test_the_export_is_published_as_payroll_exported_in_its_contract():
    org = bound_org()
    made = export(org)
    registry = default_registry()
    published = [
        to_cloud_event(org.store.mapper.to_domain_event(n), registry)
        for n in org.store.recorder.select_notifications(0, 1000)
    ]
    (event,) = [e for e in published if e is not None and e.schema_name == "PayrollExported"]
    registry.validate("incentives", "PayrollExported", event.schema_version, event.data)
    assert event.subject == made.export.export_id
    assert event.data["rows"] == 4 and event.data["totals"] == {"points": 390, "entries": 4}
    assert [f["format"] for f in event.data["files"]] == list(vocabulary.EXPORT_FORMATS)
    assert event.data["ledger_position"] == made.export.ledger_position
    assert vocabulary.events_of("incentives", "payroll_export") == {"PayrollExported"}


@pytest.mark.parametrize(
    "finalised, cycle_id, who, error, field",
    [
        (("vps-growth", "dev-checkout"), CYCLE, ADMIN, Conflict, "path:cycle_id"),
        ((), CYCLE, caller("dev"), Forbidden, "#"),
        ((), CYCLE, AUDITOR, Forbidden, "#"),
        ((), "2030-Q1", ADMIN, NotFound, None),
    ],
)
def test_a_refused_export_stores_nothing(finalised, cycle_id, who, error, field):
    org = bound_org(*finalised)
    before = org.stored()
    with pytest.raises(error) as refused:
        org.service.exports.export(ExportCycle(cycle_id), who)
    assert getattr(refused.value, "field", None) == field
    assert org.stored() == before


def test_a_finalised_cycle_without_a_bound_policy_is_refused_409_naming_the_cycle():
    org = SmallOrg()
    org.learn_directory()
    org.finalise()
    before = org.stored()
    with pytest.raises(Conflict) as refused:
        export(org)
    assert refused.value.field == "path:cycle_id" and refused.value.status == 409
    assert "no reward policy is bound" in refused.value.message
    assert org.stored() == before


def test_exports_are_read_by_admins_and_auditors_of_the_tenant_only():
    org = bound_org()
    export_id = export(org).export.export_id
    assert org.service.exports.find(AUDITOR, export_id).export_id == export_id
    with pytest.raises(Forbidden):
        org.service.exports.find(caller("lead", "leader"), export_id)
    with pytest.raises(Forbidden):
        org.service.exports.file(caller("dev"), export_id, "csv")
    with pytest.raises(NotFound):
        org.service.exports.find(caller("ceo", "admin", tenant="globex"), export_id)
    with pytest.raises(NotFound):
        org.service.exports.find(ADMIN, "not-a-uuid")
    with pytest.raises(NotFound):
        org.service.exports.file(ADMIN, export_id, "xlsx")


@pytest.mark.parametrize(
    "text, cell",
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("ana", "ana"),
        (None, ""),
    ],
)
def test_a_text_cell_that_a_spreadsheet_would_evaluate_is_quoted_away(text, cell):
    assert safe_cell(text) == cell


def test_the_csv_is_rfc_4180_with_formula_cells_guarded():
    award = {
        "award_id": "a1",
        "entries": [
            {
                "entry_id": "a1",
                "kind": "granted",
                "points": 10,
                "multiplier": 1.0,
                "badges": ["team, of the quarter", 'say "hi"'],
                "inputs": {"org_unit_id": "=cmd|calc"},
                "evidence": [{"event_id": "e1"}],
                "source_event_id": None,
            }
        ],
    }
    content = to_csv(rows_of({"-p1": award}))
    assert content.endswith(b"\r\n") and content.count(b"\r\n") == 2
    assert content.decode("utf-8").split("\r\n")[1] == (
        '\'-p1,\'=cmd|calc,a1,10,1.0,"team, of the quarter;say ""hi""",a1,e1'
    )
