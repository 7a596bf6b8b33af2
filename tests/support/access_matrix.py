"""The access matrix every service must answer: one organisation, one expected table, the README's.

Objectives belong to the team `web` (rnd > web > qa; sales beside rnd; all under `acme`). A
person-owned one is owned by `dev` of web, whose manager `boss` sits in sales; an org-unit-owned
one is owned by web itself. Cells: P, O, X = reads public, org_unit, private objectives; C = may
change them; "-" = nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from okr_shared.access import ROLES

TENANT = "acme"
OTHER_TENANT = "globex"
GOAL_UNIT = "web"
UNITS = [
    ("acme", None, "company"),
    ("rnd", "acme", "department"),
    ("sales", "acme", "department"),
    ("web", "rnd", "team"),
    ("qa", "web", "team"),
]
PEOPLE = [
    ("dev", "web", "boss"),
    ("boss", "sales", None),
    ("peer", "web", None),
    ("cto", "rnd", None),
    ("tester", "qa", None),
    ("rep", "sales", None),
]
OWNERS = {"person": "dev", "org_unit": GOAL_UNIT}
VISIBILITIES = ("public", "org_unit", "private")
POSITIONS = {  # position: (tenant, person)
    "owner": (TENANT, "dev"),
    "manager chain": (TENANT, "boss"),
    "same unit": (TENANT, "peer"),
    "unit above": (TENANT, "cto"),
    "unit below": (TENANT, "tester"),
    "other unit": (TENANT, "rep"),
    "other tenant": (OTHER_TENANT, "dev"),
}
COLUMNS = ROLES  # admin, leader, manager, member, auditor, integration

EXPECTED = {  # (owner type, position): one cell per role in COLUMNS
    ("person", "owner"): ("POXC", "POXC", "POXC", "POXC", "POX", "P"),
    ("person", "manager chain"): ("POXC", "POXC", "POXC", "POXC", "POX", "P"),
    ("person", "same unit"): ("POXC", "PO", "PO", "PO", "POX", "P"),
    ("person", "unit above"): ("POXC", "PO", "PO", "PO", "POX", "P"),
    ("person", "unit below"): ("POXC", "PO", "PO", "PO", "POX", "P"),
    ("person", "other unit"): ("POXC", "PO", "P", "P", "POX", "P"),
    ("person", "other tenant"): ("-", "-", "-", "-", "-", "-"),
    ("org_unit", "owner"): ("POXC", "POXC", "POXC", "POXC", "POX", "P"),
    ("org_unit", "manager chain"): ("POXC", "PO", "P", "P", "POX", "P"),
    ("org_unit", "same unit"): ("POXC", "POXC", "POXC", "POXC", "POX", "P"),
    ("org_unit", "unit above"): ("POXC", "POXC", "POXC", "POXC", "POX", "P"),
    ("org_unit", "unit below"): ("POXC", "PO", "PO", "PO", "POX", "P"),
    ("org_unit", "other unit"): ("POXC", "PO", "P", "P", "POX", "P"),
    ("org_unit", "other tenant"): ("-", "-", "-", "-", "-", "-"),
}
_LETTER = {"public": "P", "org_unit": "O", "private": "X"}
README = Path(__file__).resolve().parents[2] / "README.md"


def cases() -> Iterator[tuple[str, str, str, str, bool, bool]]:
    """Every (owner type, visibility, position, role) with the expected read and change answers."""
    for (owner_type, position), cells in EXPECTED.items():
        for role, cell in zip(COLUMNS, cells, strict=True):
            for visibility in VISIBILITIES:
                yield (
                    owner_type,
                    visibility,
                    position,
                    role,
                    _LETTER[visibility] in cell,
                    "C" in cell,
                )


def readme_table() -> dict[tuple[str, str], tuple[str, ...]]:
    """The matrix as the README's "Access rules" section states it."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Access rules") :]
    section = section[: section.index("\n#", 1)]
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    header: list[str] = []
    for line in section.splitlines():
        if not line.startswith("|") or re.fullmatch(r"[|\s:-]+", line):
            continue
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if not header:
            header = cells
            continue
        by_role = dict(zip(header[2:], cells[2:], strict=True))
        table[(cells[0], cells[1])] = tuple(by_role[role] for role in COLUMNS)
    return table


def caller_for(position: str, role: str | None = None):
    """The caller at that position, with that role (no role: a plain member)."""
    from okr_shared.event_meta import Caller, EventMeta

    tenant, person = POSITIONS[position]
    meta = EventMeta(
        tenant_id=tenant, actor_id=person, correlation_id=f"corr-{person}", causation_id="req"
    )
    return Caller(meta=meta, roles=frozenset({role}) if role else frozenset())


def seed_goals(app) -> dict[tuple[str, str], object]:
    """The organisation in both tenants, a cycle, one acme objective per owner and visibility."""
    from datetime import date

    from okr_goals.cycles.commands import PlanCycle
    from okr_goals.directory.commands import ImportDirectory, ImportRow
    from okr_goals.objectives.commands import CreateObjective, NewKeyResult
    from tests.support.org import CYCLE

    units = [
        {"org_unit_id": u, "name": u, "kind": kind, **({"parent_id": p} if p else {})}
        for u, p, kind in UNITS
    ]
    people = [
        {
            "person_id": p,
            "name": p,
            "email": f"{p}@x.test",
            "org_unit_id": unit,
            **({"manager_id": manager} if manager else {}),
        }
        for p, unit, manager in PEOPLE
    ]
    for tenant in (TENANT, OTHER_TENANT):
        admin = caller_for("other tenant" if tenant == OTHER_TENANT else "owner", "admin")
        app.directory.import_directory(
            ImportDirectory(
                org_units=tuple(ImportRow(i, i + 2, u) for i, u in enumerate(units)),
                people=tuple(ImportRow(i, i + 2, p) for i, p in enumerate(people)),
            ),
            admin,
        )
        app.cycles.plan_cycle(
            PlanCycle(CYCLE, "Q1", "quarterly", date(2026, 1, 1), date(2026, 3, 31)), admin
        )
    admin = caller_for("owner", "admin")
    krs = (NewKeyResult("Done", "milestone", 1.0),)
    objectives = {}
    for owner_type, owner_id in OWNERS.items():
        level = "individual" if owner_type == "person" else "team"
        for visibility in VISIBILITIES:
            command = CreateObjective(
                f"{owner_type} {visibility}",
                level,
                owner_type,
                owner_id,
                CYCLE,
                visibility=visibility,
                key_results=krs,
            )
            objectives[(owner_type, visibility)] = app.objectives.create_objective(
                command, admin
            ).objective
    return objectives
