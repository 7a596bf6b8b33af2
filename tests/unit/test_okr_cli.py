"""The `okr` command line: parsing, output and one-line errors (Typer's CliRunner), the tree's
progress, and republishing from an event store with the relay's published form and ids."""

from __future__ import annotations

import json

import httpx
import jwt
import pytest
from typer.testing import CliRunner

from okr_cli import services, tree
from okr_cli.comparison import differing_fields
from okr_cli.events import republish_range
from okr_cli.main import app
from okr_cli.sources import open_source
from okr_shared.outbox import OutboxRelay
from okr_shared.settings import AuthSettings
from tests.support.goals import goal_features
from tests.support.org import seed

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def one_line_error(result, code: int, *words: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("okr: error: "), result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    for word in words:
        assert word in lines[0], lines[0]


def test_help_lists_every_group():
    result = run("--help")
    assert result.exit_code == 0
    for group in ("token", "tree", "events", "projections", "goals", "checkins", "web"):
        assert group in result.stdout


def test_token_is_signed_for_the_tenant_person_and_roles():
    result = run("token", "--tenant", "acme", "--person", "ana", "-r", "admin", "-r", "leader")
    assert result.exit_code == 0, result.stderr
    settings = AuthSettings()
    claims = jwt.decode(
        result.stdout.strip(),
        settings.verification_key,
        algorithms=[settings.algorithm],
        audience=settings.audience,
    )
    assert (claims["tenant"], claims["sub"], claims["roles"]) == (
        "acme",
        "ana",
        ["admin", "leader"],
    )


def test_token_as_json_names_its_expiry():
    result = run("token", "--tenant", "acme", "--person", "ana", "--ttl", "60", "--json")
    body = json.loads(result.stdout)
    assert body["roles"] == [] and body["tenant"] == "acme" and body["expires_at"]


def test_token_is_refused_outside_development(monkeypatch):
    monkeypatch.setenv("OKR_ENV", "production")
    one_line_error(run("token", "--tenant", "acme", "--person", "ana"), 3, "OKR_ENV=development")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("token", "--person", "ana"), ("--tenant",)),
        (("token", "--tenant", " ", "--person", "ana"), ("--tenant", "blank")),
        (("token", "--tenant", "a", "--person", "b", "--ttl", "0"), ("--ttl",)),
        (("tree",), ("--cycle",)),
        (("tree", "--cycle", "q1", "--token", "t", "--as-of", "2026-01-01T00:00"), ("offset",)),
        (("tree", "--cycle", "q1", "--token", "t", "--as-of", "yesterday"), ("--as-of",)),
        (("tree", "--cycle", "q1"), ("--token",)),
        (("events", "republish", "--service", "nope", "--from-position", "1"), ("--service",)),
        (("events", "republish", "--service", "goals", "--from-position", "0"), ("--from",)),
        (
            ("events", "republish", "-s", "goals", "--from-position", "5", "--to-position", "4"),
            ("--to-position",),
        ),
        (("events", "tail"), ("--topic",)),
        (("projections", "rebuild", "--service", "web"), ("--service",)),
        (("nonsense",), ("nonsense",)),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(monkeypatch, args, words):
    monkeypatch.delenv("OKR_TOKEN", raising=False)
    one_line_error(run(*args), 2, *words)


def test_an_unreachable_goal_service_is_one_line_and_exit_4():
    result = run("tree", "--cycle", "q1", "--token", "t", "--url", "http://127.0.0.1:1")
    one_line_error(result, 4, "cannot reach the goal service at http://127.0.0.1:1")


def test_unreachable_kafka_is_one_line_and_exit_4(monkeypatch):
    monkeypatch.setenv("OKR_KAFKA_BOOTSTRAP", "127.0.0.1:1")
    one_line_error(run("events", "tail", "--topic", "okr.goals.v1"), 4, "cannot reach Kafka")


TREE = {
    "cycle_id": "q1",
    "cycle_state": "active",
    "as_of": "2026-02-01T00:00:00+00:00",
    "org_unit_id": None,
    "objective_count": 2,
    "roots": [
        {
            "objective_id": "o1",
            "title": "Company",
            "level": "company",
            "status": "active",
            "weight": None,
            "key_results": [{"key_result_id": "k1", "title": "Revenue", "weight": 1.0}],
            "children": [
                {
                    "objective_id": "o2",
                    "title": "Team",
                    "level": "team",
                    "status": "active",
                    "weight": 1.0,
                    "key_results": [
                        {"key_result_id": "k2", "title": "Speed", "weight": 3.0},
                        {"key_result_id": "k3", "title": "Quality", "weight": 1.0},
                    ],
                    "children": [],
                }
            ],
        }
    ],
}
PROGRESS = {"k1": 0.5, "k2": 1.0, "k3": 0.0}


def test_progress_weights_key_results_and_rolls_children_up():
    (root,) = [tree.with_progress(r, PROGRESS) for r in TREE["roots"]]
    team = root["children"][0]
    assert team["progress"] == 0.75
    assert root["progress"] == (0.5 + 0.75) / 2
    assert tree.key_results(TREE) == ["k1", "k2", "k3"]


def fake_services(monkeypatch, tree_status: int = 200):
    """The goal and check-in services answered in memory: the tree above and its progress."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"] == "Bearer t"
        if request.url.path == "/v1/cycles/q1/tree":
            assert request.url.params["as_of"] == "2026-02-01T00:00:00+00:00"
            return httpx.Response(tree_status, json=TREE if tree_status == 200 else {})
        if request.url.path.startswith("/v1/cycles/"):
            return httpx.Response(404, json={"title": "Cycle not found"})
        kr = request.url.path.split("/")[3]
        return httpx.Response(200, json={"key_result_id": kr, "progress": PROGRESS[kr]})

    real = httpx.Client
    monkeypatch.setattr(
        tree.httpx,
        "Client",
        lambda **kwargs: real(**kwargs, transport=httpx.MockTransport(answer)),
    )


def test_tree_prints_each_objective_indented_with_its_progress(monkeypatch):
    fake_services(monkeypatch)
    result = run("tree", "--cycle", "q1", "--as-of", "2026-02-01T00:00:00Z", "--token", "t")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    company = next(i for i, line in enumerate(lines) if "Company" in line)
    team = next(i for i, line in enumerate(lines) if "Team" in line)
    assert "62%" in lines[company] and "75%" in lines[team]
    indent = len(lines[team]) - len(lines[team].lstrip(" │├└─"))
    assert team > company and indent > len(lines[company]) - len(lines[company].lstrip(" │├└─"))


def test_tree_as_json_is_the_raw_answer(monkeypatch):
    fake_services(monkeypatch)
    args = ("tree", "-c", "q1", "--as-of", "2026-02-01T00:00:00Z", "--token", "t", "--json")
    assert json.loads(run(*args).stdout) == TREE


def test_an_unknown_cycle_is_one_line(monkeypatch):
    fake_services(monkeypatch)
    result = run("tree", "--cycle", "nope", "--as-of", "2026-02-01T00:00:00Z", "--token", "t")
    one_line_error(result, 1, "unknown cycle 'nope'")


def test_a_service_command_is_handed_to_the_services_own_cli(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "run_service_cli", lambda svc, argv: calls.append((svc, argv)))
    assert run("goals", "relay").exit_code == 0
    assert run("projections", "serve", "--port", "9005").exit_code == 0
    assert run("checkins", "serve").exit_code == 0
    assert calls == [
        ("goals", ["relay"]),
        ("projections", ["serve", "--host", "127.0.0.1", "--port", "9005"]),
        ("checkins", ["serve", "--host", "127.0.0.1", "--port", "8002"]),
    ]


def test_fields_compared_name_what_differs_and_what_one_side_lacks():
    assert differing_fields({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == ["b", "c"]


class Recording:
    """A publisher that keeps what it is given."""

    def __init__(self) -> None:
        self.sent: list = []

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, topic, events) -> None:
        self.sent += [(topic, e) for e in events]


async def test_republish_sends_the_relays_published_forms_with_their_ids_and_never_moves_it(
    tmp_path, monkeypatch
):
    env = {
        "GOALS_PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "GOALS_SQLITE_DBNAME": str(tmp_path / "goals.sqlite"),
    }
    seed(goal_features(env=env))
    for key, value in env.items():
        monkeypatch.setenv(key, value)

    async def no_topics(*_args) -> None: ...

    monkeypatch.setattr("okr_cli.events.ensure_topics", no_topics)
    source = open_source("goals")
    try:
        republished = Recording()
        source.relay.publisher = republished
        result = await republish_range(source, 1, None, batch=3)
        assert source.relay.position() == 0
        last = source.last_position()
        relayed = Recording()
        relay = source.relay
        relay_again = OutboxRelay(
            relay.app, relay.tracking, relayed, relay.lock, relay.published_form, relay.topic
        )
        while await relay_again.relay_once():
            pass
    finally:
        await source.close()
    assert result["published"] == len(relayed.sent) > 0
    assert [(t, e.id, e.data) for t, e in republished.sent] == [
        (t, e.id, e.data) for t, e in relayed.sent
    ]
    assert result["from_position"] == 1 and result["to_position"] == last > 3
