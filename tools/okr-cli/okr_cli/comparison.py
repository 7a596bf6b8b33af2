"""Two databases of read models compared document by document: the rebuilt one against the live
one, before the switch.

Fields that legitimately differ between two databases folded from the same events, and so are
left out of the comparison (`IGNORED_FIELDS`): only `projected_at`, the wall-clock time the
document was last written by whichever process wrote it. Every other field, the events'
own times (`created_at`, `updated_at`), versions, derived rollups and revision counters
included, must be equal. The `control` collection (the pointer) is no read model.
"""

from __future__ import annotations

from typing import Any

from pymongo import AsyncMongoClient

from okr_projections.pointer import CONTROL

IGNORED_FIELDS = {"projected_at": "when the document was last written (the writer's clock)"}


def _stripped(doc: dict[str, Any], ignored: set[str]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ignored}


def differing_fields(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """The top-level fields whose values differ (or are present on one side only)."""
    return sorted(k for k in set(a) | set(b) if a.get(k, ...) != b.get(k, ...))


async def collection_names(client: AsyncMongoClient, database: str) -> set[str]:
    names = set(await client[database].list_collection_names())
    return {n for n in names if n != CONTROL and not n.startswith("system.")}


async def _documents(client: AsyncMongoClient, database: str, name: str, ignored: set[str]):
    return {d["_id"]: _stripped(d, ignored) async for d in client[database][name].find({})}


async def compare(
    client: AsyncMongoClient,
    live: str,
    rebuilt: str,
    ignored: set[str] | None = None,
    shown: int = 20,
) -> dict[str, Any]:
    """Per collection: how many documents each side has, and (up to `shown` each) the ids missing
    from the rebuilt one, extra in it, and differing with their fields; `equal` if none."""
    ignored = set(IGNORED_FIELDS) if ignored is None else ignored
    names = await collection_names(client, live) | await collection_names(client, rebuilt)
    report: dict[str, Any] = {"equal": True, "ignored_fields": sorted(ignored), "collections": {}}
    for name in sorted(names):
        a = await _documents(client, live, name, ignored)
        b = await _documents(client, rebuilt, name, ignored)
        missing = sorted((k for k in a if k not in b), key=str)
        extra = sorted((k for k in b if k not in a), key=str)
        different = [
            {"_id": k, "fields": differing_fields(a[k], b[k])}
            for k in sorted((k for k in a if k in b), key=str)
            if a[k] != b[k]
        ]
        report["collections"][name] = {
            "live": len(a),
            "rebuilt": len(b),
            "missing": len(missing),
            "extra": len(extra),
            "different": len(different),
            "examples": {
                "missing": missing[:shown],
                "extra": extra[:shown],
                "different": different[:shown],
            },
        }
        if missing or extra or different:
            report["equal"] = False
    return report


def differences(report: dict[str, Any]) -> int:
    """How many documents the comparison found missing, extra or different."""
    return sum(c["missing"] + c["extra"] + c["different"] for c in report["collections"].values())
