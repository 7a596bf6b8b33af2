"""Rollup along alignment links: pure computation of `rollup_progress`, `rollup_score` and of
the order to refresh them in.

An objective's rollup combines its own progress (None without key results) with what every
child aligned to it contributes: the child's rollup and the weight of its link. The alignment
graph is a DAG with several parents per child, so ancestors are refreshed children first. The
score rollup follows the same rule over the review scores (`own_score`), leaving out what nobody
scored yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from okr_projections.documents import Document
from okr_shared.progress import rollup_progress


def parent_ids(doc: Document) -> list[str]:
    """The objectives this one is aligned to."""
    return [a["parent_objective_id"] for a in doc.get("alignments", [])]


def contribution(
    child_rollup: float, link_weight: float, child_rollup_score: float | None = None
) -> dict[str, float | None]:
    """What a child adds to one parent's rollups (its score rollup is None while nothing below
    it is scored)."""
    return {
        "rollup_progress": child_rollup,
        "weight": link_weight,
        "rollup_score": child_rollup_score,
    }


def objective_rollup(
    own_progress: float | None, contributions: Iterable[Mapping[str, Any]]
) -> float:
    """The rollup progress of an objective from its own progress and its children's
    contributions."""
    return rollup_progress(
        own_progress, [(c["rollup_progress"], c["weight"]) for c in contributions]
    )


def own_score(doc: Document) -> float | None:
    """The objective's score from its review (None without a review or before any score)."""
    return (doc.get("review") or {}).get("score")


def objective_rollup_score(
    own: float | None, contributions: Iterable[Mapping[str, Any]]
) -> float | None:
    """The score rollup: the rule of the progress rollup (`rollup_progress`) over the scores,
    where an unscored objective or subtree adds nothing; None when nothing in it is scored."""
    parts = [
        (c["rollup_score"], c["weight"]) for c in contributions if c.get("rollup_score") is not None
    ]
    if own is None and not parts:
        return None
    return rollup_progress(own, parts)


def rollups(doc: Document, contributions: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Both rollups of the objective from its own progress and score and its children's
    contributions."""
    children = list(contributions)
    return {
        "rollup_progress": objective_rollup(doc.get("progress"), children),
        "rollup_score": objective_rollup_score(own_score(doc), children),
    }


def refresh_order(parents: Mapping[str, Iterable[str]]) -> list[str]:
    """The ids of `parents` (id to parent ids), every child before its parents; a cycle in bad
    data ends it."""
    ups = {
        node: [p for p in dict.fromkeys(ps) if p in parents and p != node]
        for node, ps in parents.items()
    }
    waiting = dict.fromkeys(ups, 0)
    for ps in ups.values():
        for p in ps:
            waiting[p] += 1
    ready = [node for node, n in waiting.items() if n == 0]
    order: list[str] = []
    done: set[str] = set()
    while ready:
        node = ready.pop(0)
        order.append(node)
        done.add(node)
        for p in ups[node]:
            waiting[p] -= 1
            if waiting[p] == 0:
                ready.append(p)
    return order + [node for node in ups if node not in done]
