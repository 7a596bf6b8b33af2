"""A goal service with its audit trail over an in-memory, SQLite or PostgreSQL store, and helpers
that export its bundle and tamper with bundle files as an attacker would."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from okr_goals.bootstrap import GoalsContainer, bootstrap
from okr_goals.objectives.commands import CreateObjective, NewKeyResult
from okr_goals.settings import GoalsSettings
from okr_shared.audit.chainer import Chainer
from okr_shared.audit.export import LocalSource, export_bundle
from okr_shared.audit.settings import AuditSettings
from okr_shared.event_meta import Caller, EventMeta
from okr_shared.settings import KafkaSettings
from tests.support.org import ADMIN, CYCLE, TENANT, seed

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def caller(*roles: str, actor: str = "auditor-1", tenant: str = TENANT) -> Caller:
    meta = EventMeta(tenant, actor, f"corr-{actor}", "req")
    return Caller(meta=meta, roles=frozenset(roles))


AUDITOR = caller("auditor")
MEMBER = caller(actor="E2")


@dataclass
class AuditWorld:
    """A seeded goal service; `chainer` chains its log into the audit ledger (no Kafka)."""

    container: GoalsContainer
    chainer: Chainer

    @property
    def audit(self):
        return self.container.audit.reads()

    def objective(self, title: str = "Grow revenue") -> str:
        command = CreateObjective(
            title,
            "team",
            "org_unit",
            "web",
            CYCLE,
            key_results=(NewKeyResult("ARR", "increase_to", start=0.0, target=1.0),),
        )
        return str(self.container.features.objectives.create_objective(command, ADMIN).objective.id)

    def chain(self) -> int:
        """Chains everything stored so far; returns how many notifications it covered."""
        total = 0
        while covered := self.chainer.chain_once():
            total += covered
        return total

    def bundle(self, out: Path, sign: bool = True, **bounds) -> Path:
        """The tenant's bundle; with `sign` off, as the chain stands (maybe an unsigned tail)."""
        source = LocalSource(self.audit, AUDITOR)
        return export_bundle(TENANT, {"goals": source}, out, sign=sign, **bounds)


def audit_world(
    env: dict[str, str] | None = None,
    kafka: KafkaSettings | None = None,
    every_events: int = 1000,
    seeded: bool = True,
) -> AuditWorld:
    settings = GoalsSettings(
        event_store=env or POPO,
        kafka=kafka or KafkaSettings(),
        audit=AuditSettings(checkpoint_events=every_events),
    )
    container = bootstrap(settings)
    if seeded:
        seed(container.features)
    chainer = container.audit.new_chainer(publish=kafka is not None)
    return AuditWorld(container, chainer)


def copy_bundle(bundle: Path, to: Path) -> Path:
    shutil.copytree(bundle, to)
    return to


def read_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines))


def set_manifest_events(bundle: Path, service: str, events: int) -> None:
    """Edits the manifest's event count as an attacker covering a removal would."""
    manifest = json.loads((bundle / "manifest.json").read_text())
    for entry in manifest["services"]:
        if entry["service"] == service:
            entry["events"] = events
    (bundle / "manifest.json").write_text(json.dumps(manifest) + "\n")
