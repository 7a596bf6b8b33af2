"""Audit bundles (okr-audit-bundle/1): writing one, and verifying one offline, exactly as
ALGORITHM.md says, with nothing but the files.

`verify_bundle(path)` stops at the first failure and names the service, the position, the file
and the line; events after a service's last checkpoint are reported as a warning.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from okr_shared.audit.canonical import canonical_json
from okr_shared.audit.chain import GENESIS, Checkpoint, next_hash
from okr_shared.audit.signing import keyring, signature_fault

FORMAT = "okr-audit-bundle/1"
ALGORITHM = Path(__file__).with_name("ALGORITHM.md")


@dataclass(frozen=True)
class ServiceBundle:
    """One service's part: its event lines with their recorded chain values (None for an event
    the service never chained), the chain value before the first line, its checkpoints."""

    service: str
    previous_hash: str
    events: list[tuple[int, bytes, str | None]]
    checkpoints: list[Checkpoint]


def write_bundle(
    out_dir: str | Path,
    tenant_id: str,
    exported_at: str,
    services: list[ServiceBundle],
    keys: list[dict[str, str]],
    from_: Any = None,
    to: Any = None,
) -> Path:
    """Writes the bundle directory (created if missing; its files replaced)."""
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    entries = []
    for part in services:
        folder = root / part.service
        folder.mkdir(exist_ok=True)
        _write_lines(folder / "events.jsonl", [line for _, line, _ in part.events])
        _write_lines(
            folder / "chain.jsonl",
            [canonical_json({"position": p, "hash": h}) for p, _, h in part.events],
        )
        _write_lines(
            folder / "checkpoints.jsonl", [canonical_json(c.as_dict()) for c in part.checkpoints]
        )
        positions = [p for p, _, _ in part.events]
        entries.append(
            {
                "service": part.service,
                "first_position": positions[0] if positions else None,
                "last_position": positions[-1] if positions else None,
                "previous_hash": part.previous_hash,
                "events": len(positions),
            }
        )
    manifest = {
        "format": FORMAT,
        "tenant_id": tenant_id,
        "exported_at": exported_at,
        "from": from_,
        "to": to,
        "services": entries,
    }
    _write_lines(root / "manifest.json", [canonical_json(manifest)])
    _write_lines(root / "keys.json", [canonical_json({"keys": keys})])
    shutil.copyfile(ALGORITHM, root / "ALGORITHM.md")
    return root


def _write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BundleFailure:
    """The first check that failed: where (service, position, file and 1-based line) and why."""

    reason: str
    service: str | None = None
    position: int | None = None
    file: str | None = None
    line: int | None = None


@dataclass
class BundleReport:
    ok: bool = True
    failure: BundleFailure | None = None
    unsigned: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [
            f"{service}: {n} event(s) after the last checkpoint are chained but not yet signed"
            for service, n in self.unsigned.items()
            if n
        ]


class _Failed(Exception):
    def __init__(self, failure: BundleFailure) -> None:
        super().__init__(failure.reason)
        self.failure = failure


def _fail(reason: str, **where: Any) -> _Failed:
    return _Failed(BundleFailure(reason, **where))


def _lines(path: Path) -> list[bytes]:
    """The file's lines without their LF."""
    if not path.is_file():
        raise _fail("file missing", file=str(path.name))
    data = path.read_bytes()
    if not data:
        return []
    if not data.endswith(b"\n"):
        raise _fail("the last line does not end with LF", file=path.name)
    return data[:-1].split(b"\n")


def _json(raw: bytes, **where: Any) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _fail(f"not valid JSON: {exc}", **where) from exc


def verify_bundle(path: str | Path, trusted: Collection[str] = ()) -> BundleReport:
    """Verifies a bundle directory; the report names the first failure, if any. With `trusted`
    key ids, every checkpoint must also be signed by one of them (the bundle's own keys.json
    vouches for nothing then)."""
    report = BundleReport()
    try:
        _verify(Path(path), report, frozenset(trusted))
    except _Failed as failed:
        report.ok, report.failure = False, failed.failure
    return report


def _verify(root: Path, report: BundleReport, trusted: frozenset[str]) -> None:
    manifest = _json(b"\n".join(_lines(root / "manifest.json")), file="manifest.json", line=1)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _fail(f"the manifest's format is not {FORMAT}", file="manifest.json", line=1)
    keys_doc = _json(b"\n".join(_lines(root / "keys.json")), file="keys.json", line=1)
    keys = keyring(keys_doc.get("keys", []) if isinstance(keys_doc, dict) else [])
    if trusted:
        keys = {key: raw for key, raw in keys.items() if key in trusted}
    for entry in manifest.get("services") or []:
        _verify_service(root, manifest, entry, keys, report)


def _verify_service(
    root: Path, manifest: dict, entry: dict, keys: dict[str, bytes], report: BundleReport
) -> None:
    service = entry.get("service")
    folder = root / str(service)
    events_raw = _lines(folder / "events.jsonl")
    events = _parsed(events_raw, service, "events.jsonl")
    chain = _parsed(_lines(folder / "chain.jsonl"), service, "chain.jsonl")
    checkpoints = _parsed(_lines(folder / "checkpoints.jsonl"), service, "checkpoints.jsonl")
    _check_events(events, service, manifest.get("tenant_id"))
    _check_positions(events, chain, service, entry)
    values = _check_chain(events_raw, chain, service, entry.get("previous_hash"))
    signed = _check_checkpoints(
        checkpoints, values, service, manifest.get("tenant_id"), entry, keys
    )
    _check_start(entry, signed, service, events)
    last_signed = max((c.position for c in signed), default=None)
    report.events[service] = len(events)
    report.unsigned[service] = sum(1 for p in values if last_signed is None or p > last_signed)


def _check_events(events: list[Any], service: Any, tenant_id: Any) -> None:
    """1. Every event line is of the manifest's tenant and of the service."""
    for n, event in enumerate(events, start=1):
        where = {
            "service": service,
            "position": _position(event),
            "file": "events.jsonl",
            "line": n,
        }
        if not isinstance(event, dict) or event.get("tenant_id") != tenant_id:
            raise _fail("the event's tenant_id is not the manifest's", **where)
        if event.get("service") != service:
            raise _fail("the event's service is not the service's", **where)


def _check_positions(events: list[Any], chain: list[Any], service: Any, entry: dict) -> None:
    """2. events.jsonl and chain.jsonl line up with the same, strictly increasing positions
    (walked side by side first, so a line missing from one file is named where it is missing);
    then as many lines as the manifest says, from its first to its last position."""
    for n in range(1, max(len(events), len(chain)) + 1):
        if n > len(events):
            where = {"position": _position(chain[n - 1]), "file": "chain.jsonl", "line": n}
            raise _fail(f"events.jsonl ends at line {len(events)}", service=service, **where)
        position = _position(events[n - 1])
        where = {"service": service, "position": position, "file": "events.jsonl", "line": n}
        if n > len(chain):
            raise _fail(f"chain.jsonl ends at line {len(chain)}", **where)
        link = chain[n - 1]
        if not isinstance(link, dict) or link.get("position") != position:
            raise _fail("chain.jsonl names another position on this line", **where)
        if not _is_position(position) or (n > 1 and position <= _position(events[n - 2])):
            raise _fail("positions do not strictly increase", **where)
    _check_count(events, service, entry)


def _check_count(events: list[Any], service: Any, entry: dict) -> None:
    count = entry.get("events")
    if not _is_position(count):
        raise _fail("the manifest's events is not a count", service=service, file=MANIFEST)
    if len(events) != count:
        n = min(len(events), count) + 1
        raise _fail(
            f"events.jsonl has {len(events)} lines, the manifest says {count} events",
            service=service,
            position=_position(events[n - 1]) if n <= len(events) else None,
            file="events.jsonl",
            line=n,
        )
    first, last = entry.get("first_position"), entry.get("last_position")
    if not events:
        if first is not None or last is not None:
            raise _fail(
                "a service without events has no first or last position",
                service=service,
                file=MANIFEST,
            )
        return
    if first != _position(events[0]):
        where = {"position": _position(events[0]), "file": "events.jsonl", "line": 1}
        raise _fail(f"the manifest's first_position is {first}", service=service, **where)
    if last != _position(events[-1]):
        where = {"position": _position(events[-1]), "file": "events.jsonl", "line": len(events)}
        raise _fail(f"the manifest's last_position is {last}", service=service, **where)


def _is_position(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_chain(
    events_raw: list[bytes], chain: list[Any], service: Any, previous: Any
) -> dict[int, str]:
    """3. The chain recomputed from `previous_hash` equals `chain.jsonl`; the value at each
    position."""
    if not isinstance(previous, str):
        raise _fail("previous_hash is missing", service=service, file="manifest.json")
    value, values = previous, {}
    for n, (raw, link) in enumerate(zip(events_raw, chain, strict=True), start=1):
        value = next_hash(value, raw)
        values[link["position"]] = value
        if value != link.get("hash"):
            raise _fail(
                "the recomputed chain differs: this event was changed, or an event was "
                "inserted or removed just before it",
                service=service,
                position=link["position"],
                file="events.jsonl",
                line=n,
            )
    return values


def _check_checkpoints(
    raw: list[Any],
    values: dict[int, str],
    service: Any,
    tenant_id: Any,
    entry: dict,
    keys: dict[str, bytes],
) -> list[Checkpoint]:
    """4. Known key, valid signature, same tenant and service; inside the bundle's range, a
    position present with the recomputed chain value."""
    first, final = entry.get("first_position"), entry.get("last_position")
    checkpoints = []
    for n, item in enumerate(raw, start=1):
        checkpoint = _checkpoint(item, service, n)
        where = {
            "service": service,
            "position": checkpoint.position,
            "file": "checkpoints.jsonl",
            "line": n,
        }
        fault = signature_fault(checkpoint, keys)
        if fault is not None:
            raise _fail(fault, **where)
        if checkpoint.tenant_id != tenant_id or checkpoint.service != service:
            raise _fail("the checkpoint is of another tenant or service", **where)
        inside = first is not None and final is not None and first <= checkpoint.position <= final
        if inside and checkpoint.position not in values:
            raise _fail(
                "the checkpoint names a position missing from the bundle (the event "
                "there was removed)",
                **where,
            )
        if inside and values[checkpoint.position] != checkpoint.hash:
            raise _fail("the events up to this checkpoint differ from what was signed", **where)
        checkpoints.append(checkpoint)
    return checkpoints


def _check_start(
    entry: dict, checkpoints: list[Checkpoint], service: Any, events: list[Any]
) -> None:
    """5. The bundle starts at the genesis value or at a checkpoint below its first position;
    else its first event's predecessor is not vouched for."""
    previous, first = entry["previous_hash"], entry.get("first_position")
    if previous == GENESIS:
        return
    if not any(c.hash == previous and (first is None or c.position < first) for c in checkpoints):
        reason = (
            "previous_hash is neither the genesis value nor a checkpoint's hash below "
            "the first position"
        )
        if not events:
            raise _fail(reason, service=service, file=MANIFEST)
        where = {"position": _position(events[0]), "file": "events.jsonl", "line": 1}
        raise _fail(reason, service=service, **where)


def _parsed(raw_lines: list[bytes], service: Any, name: str) -> list[Any]:
    return [
        _json(raw, service=service, file=name, line=n) for n, raw in enumerate(raw_lines, start=1)
    ]


def _position(event: Any) -> Any:
    return event.get("position") if isinstance(event, dict) else None


def _checkpoint(raw: Any, service: Any, n: int) -> Checkpoint:
    fields = ("service", "tenant_id", "position", "hash", "signed_at", "key_id", "signature")
    if not isinstance(raw, dict) or any(f not in raw for f in fields):
        raise _fail("not a checkpoint", service=service, file="checkpoints.jsonl", line=n)
    texts = [raw[f] for f in fields if f != "position"]
    position = raw["position"]
    if not all(isinstance(t, str) for t in texts) or not isinstance(position, int):
        raise _fail(
            "not a checkpoint: wrong field types", service=service, file="checkpoints.jsonl", line=n
        )
    return Checkpoint(**{f: raw[f] for f in fields})
