"""Audit bundles (okr-audit-bundle/1) written from ALGORITHM.md alone, tampered copies of them,
named scenarios with the expected verdict, and the Go verifier (`tools/audit-verify`) to run on
them. Lines are handled as bytes split at LF only, as the document says."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "okr-audit-bundle/1"
GENESIS = "0" * 64
REPO = Path(__file__).resolve().parents[2]
ALGORITHM = REPO / "shared" / "okr_shared" / "audit" / "ALGORITHM.md"
GO_VERIFIER = REPO / "tools" / "audit-verify"
SIGNED_AT = "2026-12-01T12:00:00Z"


def canonical(value: Any) -> bytes:
    """Canonical JSON: keys sorted by code point, no whitespace, non-ASCII unescaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def next_hash(previous: str, line: bytes) -> str:
    return hashlib.sha256(previous.encode("ascii") + b"\n" + line).hexdigest()


class Signer:
    """An Ed25519 checkpoint signer and its keys.json entry."""

    def __init__(self) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.public = self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = hashlib.sha256(self.public).hexdigest()[:16]

    def key_entry(self) -> dict[str, str]:
        public_key = base64.b64encode(self.public).decode()
        return {"key_id": self.key_id, "algorithm": "Ed25519", "public_key": public_key}

    def checkpoint(
        self, tenant_id: str, service: str, position: int, hash_: str, signed_at: str = SIGNED_AT
    ) -> dict[str, Any]:
        message = "\n".join(
            ["okr-audit-checkpoint/1", tenant_id, service, str(position), hash_, signed_at]
        )
        signature = base64.b64encode(self.private.sign(message.encode())).decode()
        return {
            "service": service,
            "tenant_id": tenant_id,
            "position": position,
            "hash": hash_,
            "signed_at": signed_at,
            "key_id": self.key_id,
            "signature": signature,
        }


def sample_events(service: str, positions: Sequence[int], note_size: int = 0) -> list[dict]:
    """Event records at these positions: CloudEvents whose text has non-ASCII characters
    (including U+2028 and U+0085, which are line breaks to some readers but not to the bundle),
    and every fourth one an internal event without a published form (`event: null`)."""
    records = []
    for index, position in enumerate(positions):
        subject = f"00000000-0000-4000-8000-{position % 3:012d}"
        note = "Umsatz größer 🚀 line\u2028separator\u0085next" + "x" * note_size
        event = {
            "specversion": "1.0",
            "id": f"{service}-{position}",
            "source": f"urn:okr:{service}",
            "type": f"okr.{service}.ObjectiveCreated",
            "subject": subject,
            "time": "2026-12-01T10:00:00Z",
            "datacontenttype": "application/json",
            "dataschema": f"urn:okr:schema:{service}:ObjectiveCreated:1",
            "tenantid": "tenant-a",
            "data": {"objective_id": subject, "title": f"Grow revenue {position}", "note": note},
        }
        records.append(
            {
                "aggregate_id": subject,
                "aggregate_version": index + 1,
                "event": None if index % 4 == 3 else event,
                "position": position,
            }
        )
    return records


@dataclass
class BundleSpec:
    """What to write: per service its event records (in chain order), the positions after
    which a checkpoint is signed, and where the export starts (its first position)."""

    tenant_id: str
    events: Mapping[str, Sequence[Mapping[str, Any]]]
    sign_after: Mapping[str, Collection[int]] = field(default_factory=dict)
    from_position: Mapping[str, int] = field(default_factory=dict)


def write_bundle(directory: Path, spec: BundleSpec, signer: Signer | None = None) -> Path:
    """Writes a valid bundle: each service's whole chain is computed, the lines below its
    from_position left out (their last chain value becomes previous_hash)."""
    signer = signer or Signer()
    directory.mkdir(parents=True, exist_ok=True)
    entries = []
    for service, records in spec.events.items():
        entries.append(_write_service(directory, spec, service, records, signer))
    manifest = {
        "format": FORMAT,
        "tenant_id": spec.tenant_id,
        "exported_at": "2026-12-02T00:00:00Z",
        "from": None,
        "to": None,
        "services": entries,
    }
    _write_lines(directory / "manifest.json", [canonical(manifest)])
    _write_lines(directory / "keys.json", [canonical({"keys": [signer.key_entry()]})])
    shutil.copyfile(ALGORITHM, directory / "ALGORITHM.md")
    return directory


def _write_service(
    directory: Path,
    spec: BundleSpec,
    service: str,
    records: Sequence[Mapping[str, Any]],
    signer: Signer,
) -> dict[str, Any]:
    start = spec.from_position.get(service)
    signed = set(spec.sign_after.get(service, ()))
    value = previous = GENESIS
    events: list[bytes] = []
    chain: list[bytes] = []
    checkpoints: list[bytes] = []
    for record in records:
        line = canonical({**record, "service": service, "tenant_id": spec.tenant_id})
        value = next_hash(value, line)
        position = record["position"]
        if start is not None and position < start:
            previous = value
        else:
            events.append(line)
            chain.append(canonical({"position": position, "hash": value}))
        if position in signed:
            checkpoint = signer.checkpoint(spec.tenant_id, service, position, value)
            checkpoints.append(canonical(checkpoint))
    (directory / service).mkdir(exist_ok=True)
    _write_lines(directory / service / "events.jsonl", events)
    _write_lines(directory / service / "chain.jsonl", chain)
    _write_lines(directory / service / "checkpoints.jsonl", checkpoints)
    kept = [json.loads(line)["position"] for line in events]
    return {
        "service": service,
        "first_position": kept[0] if kept else None,
        "last_position": kept[-1] if kept else None,
        "previous_hash": previous,
        "events": len(events),
    }


def read_lines(path: Path) -> list[bytes]:
    """A file's lines as bytes, split at LF only (never `splitlines()`)."""
    data = path.read_bytes()
    lines = data.split(b"\n")
    return lines[:-1] if data.endswith(b"\n") else lines


def _write_lines(path: Path, lines: Sequence[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def _service_file(bundle: Path, service: str, name: str) -> Path:
    return bundle / service / name


# Tampering. Lines are 1-based, as a verifier names them.


def change_byte(bundle: Path, service: str, line: int) -> None:
    """Changes one character of line `line`'s aggregate_id in events.jsonl (still valid JSON)."""
    path = _service_file(bundle, service, "events.jsonl")
    lines = read_lines(path)
    text = lines[line - 1]
    at = text.index(b'"aggregate_id":"') + len(b'"aggregate_id":"')
    replacement = b"1" if text[at : at + 1] != b"1" else b"2"
    lines[line - 1] = text[:at] + replacement + text[at + 1 :]
    _write_lines(path, lines)


def crlf_line(bundle: Path, service: str, line: int) -> None:
    """Ends line `line` of events.jsonl with CR LF: the CR becomes part of the line's bytes."""
    path = _service_file(bundle, service, "events.jsonl")
    lines = read_lines(path)
    lines[line - 1] += b"\r"
    _write_lines(path, lines)


def _edit_lines(bundle: Path, service: str, files: Sequence[str], edit) -> None:
    for name in files:
        path = _service_file(bundle, service, name)
        _write_lines(path, edit(read_lines(path)))


def drop_line(
    bundle: Path, service: str, line: int, files: Sequence[str] = ("events.jsonl",)
) -> None:
    _edit_lines(bundle, service, files, lambda lines: lines[: line - 1] + lines[line:])


def duplicate_line(
    bundle: Path, service: str, line: int, files: Sequence[str] = ("events.jsonl",)
) -> None:
    """Inserts a copy of line `line` right after it."""
    _edit_lines(bundle, service, files, lambda lines: lines[:line] + lines[line - 1 :])


def swap_lines(
    bundle: Path, service: str, line: int, files: Sequence[str] = ("events.jsonl",)
) -> None:
    """Swaps line `line` with the next one."""

    def swap(lines: list[bytes]) -> list[bytes]:
        lines[line - 1], lines[line] = lines[line], lines[line - 1]
        return lines

    _edit_lines(bundle, service, files, swap)


def bad_signature(bundle: Path, service: str, checkpoint_line: int) -> None:
    """Flips one bit of a checkpoint's signature."""
    path = _service_file(bundle, service, "checkpoints.jsonl")
    lines = read_lines(path)
    checkpoint = json.loads(lines[checkpoint_line - 1])
    signature = bytearray(base64.b64decode(checkpoint["signature"]))
    signature[0] ^= 1
    checkpoint["signature"] = base64.b64encode(bytes(signature)).decode()
    lines[checkpoint_line - 1] = canonical(checkpoint)
    _write_lines(path, lines)


def resign(bundle: Path, service: str, checkpoint_line: int, signer: Signer) -> None:
    """Signs a checkpoint again with another key (one that keys.json does not hold)."""
    path = _service_file(bundle, service, "checkpoints.jsonl")
    lines = read_lines(path)
    old = json.loads(lines[checkpoint_line - 1])
    new = signer.checkpoint(old["tenant_id"], service, old["position"], old["hash"])
    lines[checkpoint_line - 1] = canonical(new)
    _write_lines(path, lines)


def _edit_manifest_entry(bundle: Path, service: str, **changes: Any) -> None:
    path = bundle / "manifest.json"
    manifest = json.loads(path.read_bytes())
    for entry in manifest["services"]:
        if entry["service"] == service:
            entry.update(changes)
    _write_lines(path, [canonical(manifest)])


def recount(bundle: Path, service: str) -> None:
    """Sets the manifest's event count to the number of lines events.jsonl holds."""
    count = len(read_lines(_service_file(bundle, service, "events.jsonl")))
    _edit_manifest_entry(bundle, service, events=count)


def rechain(bundle: Path, service: str) -> None:
    """Rewrites chain.jsonl and the manifest entry to match the event lines, as an attacker who
    knows the algorithm would: only the signed checkpoints can then tell."""
    manifest = json.loads((bundle / "manifest.json").read_bytes())
    [entry] = [e for e in manifest["services"] if e["service"] == service]
    value = entry["previous_hash"]
    events = read_lines(_service_file(bundle, service, "events.jsonl"))
    positions = [json.loads(line)["position"] for line in events]
    chain = []
    for line, position in zip(events, positions, strict=True):
        value = next_hash(value, line)
        chain.append(canonical({"position": position, "hash": value}))
    _write_lines(_service_file(bundle, service, "chain.jsonl"), chain)
    _edit_manifest_entry(
        bundle,
        service,
        events=len(events),
        first_position=positions[0] if positions else None,
        last_position=positions[-1] if positions else None,
    )


# Named scenarios: a valid bundle and tampered copies, each with the verdict the Go verifier
# gives (the first failure's service, file, 1-based line and the position that line carries).

GOALS_POSITIONS = (1, 2, 4, 5, 7, 8, 9)
CHECKINS_POSITIONS = (3, 6, 10)


def standard_spec(note_size: int = 0, **changes: Any) -> BundleSpec:
    """Two services with gaps in their positions; goals signed after 4 and 8, checkins after 6,
    so one event of each is unsigned."""
    spec = BundleSpec(
        tenant_id="tenant-a",
        events={
            "goals": sample_events("goals", GOALS_POSITIONS, note_size),
            "checkins": sample_events("checkins", CHECKINS_POSITIONS),
        },
        sign_after={"goals": (4, 8), "checkins": (6,)},
    )
    for name, value in changes.items():
        setattr(spec, name, value)
    return spec


@dataclass(frozen=True)
class Expected:
    ok: bool
    service: str | None = None
    file: str | None = None
    line: int | None = None
    position: int | None = None
    events: int | None = None
    unsigned: int | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    bundle: Path
    expected: Expected


def _failure(service: str, file: str, line: int, position: int | None) -> Expected:
    return Expected(ok=False, service=service, file=file, line=line, position=position)


BOTH = ("events.jsonl", "chain.jsonl")


def _tamperings() -> dict[str, tuple]:
    """name -> (spec, tampering of the written bundle, expected verdict)."""
    goals = "goals"
    return {
        "valid": (standard_spec(), None, Expected(ok=True, events=10, unsigned=2)),
        "long_line": (
            standard_spec(note_size=3 << 20),
            None,
            Expected(True, events=10, unsigned=2),
        ),
        "no_checkpoints": (
            standard_spec(sign_after={}),
            None,
            Expected(ok=True, events=10, unsigned=10),
        ),
        "partial_export": (
            standard_spec(from_position={"goals": 5, "checkins": 7}),
            None,
            Expected(ok=True, events=5, unsigned=2),
        ),
        "partial_export_not_at_a_checkpoint": (
            standard_spec(from_position={"goals": 7}),
            None,
            _failure(goals, "events.jsonl", 1, 7),
        ),
        "changed_event": (
            standard_spec(),
            lambda b: change_byte(b, goals, 3),
            _failure(goals, "events.jsonl", 3, 4),
        ),
        "changed_event_in_second_service": (
            standard_spec(),
            lambda b: change_byte(b, "checkins", 2),
            _failure("checkins", "events.jsonl", 2, 6),
        ),
        "changed_event_rechained": (
            standard_spec(),
            lambda b: (change_byte(b, goals, 3), rechain(b, goals)),
            _failure(goals, "checkpoints.jsonl", 1, 4),
        ),
        "crlf_line_ending": (
            standard_spec(),
            lambda b: crlf_line(b, goals, 5),
            _failure(goals, "events.jsonl", 5, 7),
        ),
        "removed_event": (
            standard_spec(),
            lambda b: drop_line(b, goals, 3),
            _failure(goals, "events.jsonl", 3, 5),
        ),
        "removed_event_from_both_files": (
            standard_spec(),
            lambda b: (drop_line(b, goals, 3, BOTH), recount(b, goals)),
            _failure(goals, "events.jsonl", 3, 5),
        ),
        "removed_event_rechained": (
            standard_spec(),
            lambda b: (drop_line(b, goals, 3), rechain(b, goals)),
            _failure(goals, "checkpoints.jsonl", 1, 4),
        ),
        "duplicated_event": (
            standard_spec(),
            lambda b: duplicate_line(b, goals, 3),
            _failure(goals, "events.jsonl", 4, 4),
        ),
        "duplicated_event_rechained": (
            standard_spec(),
            lambda b: (duplicate_line(b, goals, 3), rechain(b, goals)),
            _failure(goals, "events.jsonl", 4, 4),
        ),
        "swapped_events": (
            standard_spec(),
            lambda b: swap_lines(b, goals, 3),
            _failure(goals, "events.jsonl", 3, 5),
        ),
        "swapped_events_rechained": (
            standard_spec(),
            lambda b: (swap_lines(b, goals, 3), rechain(b, goals)),
            _failure(goals, "events.jsonl", 4, 4),
        ),
        "manifest_last_position_wrong": (
            standard_spec(),
            lambda b: _edit_manifest_entry(b, goals, last_position=8),
            _failure(goals, "events.jsonl", 7, 9),
        ),
        "bad_signature": (
            standard_spec(),
            lambda b: bad_signature(b, goals, 2),
            _failure(goals, "checkpoints.jsonl", 2, 8),
        ),
        "unknown_key": (
            standard_spec(),
            lambda b: resign(b, goals, 1, Signer()),
            _failure(goals, "checkpoints.jsonl", 1, 4),
        ),
    }


def scenario_names() -> list[str]:
    return list(_tamperings())


def write_scenario(root: Path, name: str) -> Scenario:
    """Writes one scenario's bundle under root/name."""
    spec, tamper, expected = _tamperings()[name]
    bundle = write_bundle(root / name, spec)
    if tamper is not None:
        tamper(bundle)
    return Scenario(name, bundle, expected)


def scenarios(root: Path) -> list[Scenario]:
    """Writes every scenario's bundle under root."""
    return [write_scenario(root, name) for name in scenario_names()]


# The Go verifier.


@dataclass(frozen=True)
class GoVerdict:
    exit_code: int
    verdict: dict[str, Any]
    stdout: str
    stderr: str


def build_go_verifier(directory: Path, timeout: float = 600) -> Path:
    """Builds tools/audit-verify (standard library only; a cold build cache takes a while)."""
    binary = directory / "audit-verify"
    subprocess.run(
        ["go", "build", "-buildvcs=false", "-trimpath", "-o", str(binary), "."],
        cwd=GO_VERIFIER,
        check=True,
        timeout=timeout,
        capture_output=True,
    )
    return binary


def run_go_verifier(binary: Path, bundle: Path, *, as_json: bool = True) -> GoVerdict:
    args = [str(binary), str(bundle)] + (["--json"] if as_json else [])
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    verdict = json.loads(done.stdout) if as_json else {}
    return GoVerdict(done.returncode, verdict, done.stdout, done.stderr)


def comparable(verdict: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a verdict two verifiers must agree on (reasons are worded differently)."""
    keys = ("ok", "service", "position", "line")
    return {key: verdict.get(key) for key in keys}
