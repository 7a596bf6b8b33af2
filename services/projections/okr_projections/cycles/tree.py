"""The alignment tree of a set of objectives, built from their documents alone."""

from __future__ import annotations

from typing import Any

from okr_projections.documents import Document
from okr_projections.objectives.rollup import parent_ids


def _graded(doc: Document) -> dict[str, Any]:
    """A graded objective's score, band and score rollup (nothing before its review)."""
    review = doc.get("review")
    if not review and doc.get("rollup_score") is None:
        return {}
    review = review or {}
    return {
        "score": review.get("score"),
        "band": review.get("band"),
        "rollup_score": doc.get("rollup_score"),
    }


def _node(
    doc: Document,
    weight: float | None,
    children: dict[str, list[tuple[Document, float]]],
    path: frozenset[str],
) -> dict[str, Any]:
    oid = doc["objective_id"]
    below = path | {oid}
    return {
        "objective_id": oid,
        "title": doc["title"],
        "level": doc["level"],
        "owner": {"type": doc.get("owner_type"), "id": doc["owner_id"]},
        "progress": doc.get("progress"),
        "rollup_progress": doc.get("rollup_progress"),
        **_graded(doc),
        "weight": weight,
        "children": [
            _node(child, w, children, below)
            for child, w in children.get(oid, [])
            if child["objective_id"] not in below
        ],
    }


def alignment_tree(docs: list[Document]) -> list[dict[str, Any]]:
    """Root nodes (no parent among `docs`), each with its children; a child with several parents
    is under each."""
    by_id = {d["objective_id"]: d for d in docs}
    children: dict[str, list[tuple[Document, float]]] = {}
    for doc in docs:
        for link in doc.get("alignments", []):
            if link["parent_objective_id"] in by_id:
                children.setdefault(link["parent_objective_id"], []).append((doc, link["weight"]))
    roots = [d for d in docs if not any(p in by_id for p in parent_ids(d))]
    return [_node(root, None, children, frozenset()) for root in roots]
