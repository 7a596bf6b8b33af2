"""`okr tree`: a cycle's alignment tree as it stood at a time, from the goal service's time-travel
API, printed indented with each objective's progress.

The goal service knows no check-ins, so progress comes from the check-in service: each key
result's value effective and known at that time (`/v1/key-results/{id}/value`), weighted into
its objective and rolled up through the aligned children as the platform rolls up
(`okr_shared.progress`). `--no-progress` leaves the check-in service out.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
import typer
from rich.tree import Tree

from okr_cli.output import JSON_OPTION, CliError, emit_json, expected_failures, out_console
from okr_shared.progress import rollup_progress, weighted_progress


def parse_instant(value: str | None, name: str = "--as-of") -> datetime:
    """An ISO 8601 time with its offset (`Z` allowed); now when absent."""
    if value is None:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not an ISO 8601 time", param_hint=name) from exc
    if at.tzinfo is None:
        raise typer.BadParameter("needs a time-zone offset, e.g. Z or +08:00", param_hint=name)
    return at


def _problem(response: httpx.Response, what: str) -> CliError:
    try:
        body = response.json()
        detail = body.get("detail") or body.get("title") or response.text
    except ValueError:
        detail = response.text or response.reason_phrase
    return CliError(f"{what} answered {response.status_code}: {' '.join(str(detail).split())}")


def fetch_tree(client: httpx.Client, cycle: str, at: datetime) -> dict[str, Any]:
    """The goal service's tree of `cycle` as of `at`; an unknown cycle is a one-line error."""
    response = client.get(f"/v1/cycles/{cycle}/tree", params={"as_of": at.isoformat()})
    if response.status_code == 404:
        raise CliError(f"unknown cycle {cycle!r} (the goal service has no such cycle)")
    if response.status_code != 200:
        raise _problem(response, "the goal service")
    return response.json()


def key_results(tree: dict[str, Any]) -> list[str]:
    """Every key result of the tree's objectives, each once."""
    found: dict[str, None] = {}

    def walk(node: dict[str, Any]) -> None:
        for kr in node["key_results"]:
            found[kr["key_result_id"]] = None
        for child in node["children"]:
            walk(child)

    for root in tree["roots"]:
        walk(root)
    return list(found)


def fetch_progress(client: httpx.Client, ids: list[str], at: datetime) -> dict[str, float]:
    """Each key result's progress at `at` as known then, from the check-in service."""
    when = {"effective_at": at.isoformat(), "known_at": at.isoformat()}
    found = {}
    for kr in ids:
        response = client.get(f"/v1/key-results/{kr}/value", params=when)
        if response.status_code != 200:
            raise _problem(response, f"the check-in service (key result {kr})")
        found[kr] = response.json()["progress"]
    return found


def with_progress(node: dict[str, Any], progress: dict[str, float]) -> dict[str, Any]:
    """The node with `progress` (its key results weighted, its children rolled up) on it and on
    every key result and child below it."""
    krs = [{**kr, "progress": progress.get(kr["key_result_id"], 0.0)} for kr in node["key_results"]]
    children = [with_progress(child, progress) for child in node["children"]]
    own = weighted_progress((kr["progress"], kr["weight"]) for kr in krs) if krs else None
    parts = [
        (child["progress"], 1.0 if child["weight"] is None else child["weight"])
        for child in children
    ]
    return {
        **node,
        "key_results": krs,
        "children": children,
        "progress": rollup_progress(own, parts),
    }


def render(tree: dict[str, Any]) -> Tree:
    """The tree as Rich draws it: objectives with level, status and progress, key results below."""
    top = Tree(
        f"[bold]{tree['cycle_id']}[/] ({tree['cycle_state']}) as of {tree['as_of']}: "
        f"{tree['objective_count']} objectives"
    )

    def add(branch: Tree, node: dict[str, Any]) -> None:
        shown = f"  [cyan]{node['progress']:.0%}[/]" if "progress" in node else ""
        item = branch.add(f"{node['title']} [dim]({node['level']}, {node['status']})[/]{shown}")
        for kr in node["key_results"]:
            done = f" {kr['progress']:.0%}" if "progress" in kr else ""
            item.add(f"[dim]KR[/] {kr['title']}{done}")
        for child in node["children"]:
            add(item, child)

    for root in tree["roots"]:
        add(top, root)
    return top


def tree(
    cycle: Annotated[str, typer.Option("--cycle", "-c", help="The cycle id.")],
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ISO 8601 time with offset; now if absent.")
    ] = None,
    url: Annotated[
        str, typer.Option("--url", envvar="OKR_GOALS_URL", help="The goal service.")
    ] = "http://127.0.0.1:8001",
    token: Annotated[
        str | None, typer.Option("--token", envvar="OKR_TOKEN", help="A bearer token.")
    ] = None,
    checkins_url: Annotated[
        str, typer.Option("--checkins-url", envvar="OKR_CHECKINS_URL", help="The check-in service.")
    ] = "http://127.0.0.1:8002",
    show_progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Read progress from check-ins.")
    ] = True,
    as_json: bool = JSON_OPTION,
) -> None:
    """The alignment tree of a cycle as it stood at --as-of, with each objective's progress."""
    at = parse_instant(as_of)
    if not token:
        raise typer.BadParameter("is required (or set OKR_TOKEN)", param_hint="--token")
    headers = {"Authorization": f"Bearer {token}"}
    with (
        expected_failures(f"the goal service at {url}"),
        httpx.Client(base_url=url, headers=headers, timeout=30) as goals,
    ):
        answer = fetch_tree(goals, cycle, at)
    if as_json:
        emit_json(answer)
        return
    shown = answer
    if show_progress:
        with (
            expected_failures(f"the check-in service at {checkins_url}"),
            httpx.Client(base_url=checkins_url, headers=headers, timeout=30) as checkins,
        ):
            progress = fetch_progress(checkins, key_results(answer), at)
        shown = {**answer, "roots": [with_progress(r, progress) for r in answer["roots"]]}
    out_console().print(render(shown))
