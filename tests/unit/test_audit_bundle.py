"""Offline verification of a bundle names the first bad event: changed, missing, duplicated or
reordered events, a wrong signature, an unknown key; events after the last checkpoint are a
warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from okr_shared.audit.bundle import verify_bundle
from okr_shared.audit.signing import Signer, b64
from tests.support.audit import (
    audit_world,
    copy_bundle,
    read_lines,
    set_manifest_events,
    write_lines,
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """A goal service's bundle: the seeded tenant, a checkpoint, then three unsigned events."""
    world = audit_world()
    world.objective("Before the checkpoint")
    world.chain()
    world.chainer.sign_due(force=True)
    for n in range(3):
        world.objective(f"After the checkpoint {n}")
    world.chain()
    return world.bundle(tmp_path_factory.mktemp("bundles") / "acme", sign=False)


@pytest.fixture
def copy(bundle: Path, tmp_path: Path) -> Path:
    return copy_bundle(bundle, tmp_path / "copy")


def events_file(root: Path) -> Path:
    return root / "goals" / "events.jsonl"


def chain_file(root: Path) -> Path:
    return root / "goals" / "chain.jsonl"


def position_of(root: Path, line: int) -> int:
    return json.loads(read_lines(events_file(root))[line - 1])["position"]


def test_an_untouched_bundle_verifies_and_warns_of_its_unsigned_tail(bundle: Path) -> None:
    report = verify_bundle(bundle)
    assert report.ok, report.failure
    signed = json.loads(read_lines(bundle / "goals" / "checkpoints.jsonl")[-1])["position"]
    after = [p for p in map(json.loads, read_lines(events_file(bundle))) if p["position"] > signed]
    assert len(after) >= 3
    assert report.unsigned == {"goals": len(after)}
    assert report.warnings and "not yet signed" in report.warnings[0]
    assert (bundle / "ALGORITHM.md").read_text().startswith("# The OKR platform's audit bundle")
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["format"] == "okr-audit-bundle/1" and manifest["tenant_id"] == "acme"
    assert (bundle / "manifest.json").read_bytes().endswith(b"}\n")


def test_a_changed_event_is_named_by_its_line_and_position(copy: Path) -> None:
    lines = read_lines(events_file(copy))
    lines[4] = lines[4].replace('"aggregate_version":1', '"aggregate_version":9')
    write_lines(events_file(copy), lines)
    report = verify_bundle(copy)
    assert not report.ok
    assert (report.failure.file, report.failure.line) == ("events.jsonl", 5)
    assert report.failure.position == position_of(copy, 5)
    assert report.failure.service == "goals" and "changed" in report.failure.reason


def test_a_missing_event_is_named_at_the_event_after_it(copy: Path) -> None:
    after = position_of(copy, 8)
    for path in (events_file(copy), chain_file(copy)):
        lines = read_lines(path)
        del lines[6]
        write_lines(path, lines)
    set_manifest_events(copy, "goals", len(read_lines(events_file(copy))))
    report = verify_bundle(copy)
    assert (report.failure.line, report.failure.position) == (7, after)
    assert "removed just before it" in report.failure.reason


def test_a_removed_line_without_its_chain_line_is_named_where_it_is_missing(copy: Path) -> None:
    lines = read_lines(events_file(copy))
    write_lines(events_file(copy), lines[:3] + lines[4:])
    report = verify_bundle(copy)
    assert not report.ok and report.failure.line == 4
    assert "chain.jsonl names another position" in report.failure.reason


def test_a_duplicated_event_is_named_at_the_copy(copy: Path) -> None:
    for path in (events_file(copy), chain_file(copy)):
        lines = read_lines(path)
        write_lines(path, lines[:3] + [lines[2]] + lines[3:])
    set_manifest_events(copy, "goals", len(read_lines(events_file(copy))))
    report = verify_bundle(copy)
    assert (report.failure.line, report.failure.position) == (4, position_of(copy, 4))
    assert "strictly increase" in report.failure.reason


def test_reordered_events_are_named_at_the_first_out_of_place(copy: Path) -> None:
    for path in (events_file(copy), chain_file(copy)):
        lines = read_lines(path)
        lines[5], lines[6] = lines[6], lines[5]
        write_lines(path, lines)
    report = verify_bundle(copy)
    assert report.failure.line == 7 and "strictly increase" in report.failure.reason


def test_reordered_events_with_renumbered_positions_break_the_chain(copy: Path) -> None:
    events = read_lines(events_file(copy))
    a, b = json.loads(events[5]), json.loads(events[6])
    a["position"], b["position"] = b["position"], a["position"]
    events[5], events[6] = (json.dumps(x, separators=(",", ":"), sort_keys=True) for x in (b, a))
    write_lines(events_file(copy), events)
    report = verify_bundle(copy)
    assert (report.failure.line, report.failure.file) == (6, "events.jsonl")


def test_a_rewritten_chain_is_caught_by_the_checkpoint(copy: Path) -> None:
    from okr_shared.audit.chain import next_hash

    events = read_lines(events_file(copy))
    events[0] = events[0].replace('"name":"Acme"', '"name":"Acne"')
    assert "Acne" in events[0]
    write_lines(events_file(copy), events)
    manifest = json.loads((copy / "manifest.json").read_text())
    value, chain = manifest["services"][0]["previous_hash"], []
    for line in events:
        value = next_hash(value, line.encode())
        chain.append(json.dumps({"hash": value, "position": json.loads(line)["position"]}))
    write_lines(chain_file(copy), chain)
    report = verify_bundle(copy)
    assert report.failure.file == "checkpoints.jsonl" and report.failure.line == 1
    assert "differ from what was signed" in report.failure.reason


def test_a_wrong_signature_is_named_by_its_checkpoint_line(copy: Path) -> None:
    path = copy / "goals" / "checkpoints.jsonl"
    checkpoint = json.loads(read_lines(path)[0])
    checkpoint["position"] += 1
    write_lines(path, [json.dumps(checkpoint)])
    report = verify_bundle(copy)
    assert (report.failure.file, report.failure.line) == ("checkpoints.jsonl", 1)
    assert report.failure.position == checkpoint["position"]
    assert "signature does not verify" in report.failure.reason


def test_an_unknown_key_is_named(copy: Path) -> None:
    other = Signer.from_text(b64(bytes(range(32))))
    (copy / "keys.json").write_text(json.dumps({"keys": [other.public_entry()]}) + "\n")
    report = verify_bundle(copy)
    assert report.failure.file == "checkpoints.jsonl" and "unknown key" in report.failure.reason


def test_an_event_of_another_tenant_is_refused(copy: Path) -> None:
    lines = read_lines(events_file(copy))
    lines[0] = lines[0].replace('"tenant_id":"acme"', '"tenant_id":"globex"')
    write_lines(events_file(copy), lines)
    report = verify_bundle(copy)
    assert report.failure.line == 1 and "tenant_id" in report.failure.reason


def test_a_line_that_is_not_json_is_named(copy: Path) -> None:
    lines = read_lines(events_file(copy))
    lines[2] = lines[2][:-1]
    write_lines(events_file(copy), lines)
    report = verify_bundle(copy)
    assert report.failure.line == 3 and "not valid JSON" in report.failure.reason


def test_a_partial_bundle_starts_at_a_checkpoint(tmp_path: Path) -> None:
    world = audit_world()
    world.chain()
    signed = world.chainer.sign_due(force=True)[0]
    world.objective("Later")
    world.chain()
    bundle = world.bundle(tmp_path / "partial", from_=signed.position + 1)
    manifest = json.loads((bundle / "manifest.json").read_text())["services"][0]
    assert manifest["previous_hash"] == signed.hash
    assert manifest["first_position"] == signed.position + 1 and manifest["events"] >= 2
    assert verify_bundle(bundle).ok
    manifest_path = bundle / "manifest.json"
    document = json.loads(manifest_path.read_text())
    document["services"][0]["previous_hash"] = "1" * 64
    manifest_path.write_text(json.dumps(document) + "\n")
    assert not verify_bundle(bundle).ok
