"""Every route of the three services fuzzed from its own OpenAPI document, with all of
schemathesis' checks: no server error, every status and body as documented, 401 without a token.
Seeded (derandomized) and bounded by examples, so a run is repeatable and short."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from okr_projections.bootstrap import bootstrap as projections_bootstrap
from okr_projections.http import create_http_app as projections_http
from okr_projections.settings import ProjectionsSettings
from okr_shared.api_models import is_open
from okr_shared.settings import KafkaSettings
from tests.support.apps import checkins_app, goals_app
from tests.support.checkins import World
from tests.support.goal_events import created
from tests.support.projection_feed import Feed

EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}
ANONYMOUS_EXAMPLES = 2
# Schema-valid requests still name ids that may not exist or that the caller may not act on (an
# unknown cycle, a departed owner, a closed cycle): the API answers those with the documented 404,
# 409 or 422 naming the field, which is no defect, so 422 counts as an answer to positive data too.
# A generated body above the size limit is refused with the documented 413 before it is read:
# that is a rejection of invalid data too.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
            },
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "413",
                    "415",
                    "422",
                    "428",
                    "429",
                ]
            },
        }
    }
)


def fuzz(app, headers: dict[str, str], examples: dict[GenerationMode, int]) -> int:
    """Runs the checks on every operation of the ASGI app; the number of requests made."""
    return fuzz_schema(
        schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG), headers, examples
    )


def fuzz_schema(schema, headers: dict[str, str], examples: dict[GenerationMode, int]) -> int:
    """Runs the checks on every operation of the schema; the number of requests made."""
    operations = [result.ok() for result in schema.get_all_operations()]
    made = 0
    for operation in operations:
        for mode, count in examples.items():

            @settings(
                max_examples=count,
                derandomize=True,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                nonlocal made
                made += 1
                case.call_and_validate(headers=headers)

            try:
                check()
            except Unsatisfiable:
                # An operation without parameters or body has no invalid request to generate.
                assert mode is GenerationMode.NEGATIVE
    return made


def bearer(issuer, actor: str, *roles: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issuer.issue('acme', actor, roles)}"}


def test_goal_service_answers_as_documented(issuer):
    assert fuzz(goals_app(), bearer(issuer, "ceo", "admin"), EXAMPLES) >= 200


def test_check_in_service_answers_as_documented(issuer):
    assert fuzz(checkins_app(World()), bearer(issuer, "lead", "admin"), EXAMPLES) >= 120


@pytest.fixture
def projections(infra):
    """The projections service over a fresh FerretDB database, served by uvicorn on its own loop
    (one Mongo client per event loop), with a unit, a person, a cycle and an objective."""
    settings_ = ProjectionsSettings(
        kafka=KafkaSettings(bootstrap_servers=infra.kafka_bootstrap),
        mongo_url=infra.mongo_url,
        database=f"okr_test_{uuid.uuid4().hex[:10]}",
    )
    loop = asyncio.new_event_loop()
    container = projections_bootstrap(settings_)
    server = uvicorn.Server(
        uvicorn.Config(
            projections_http(container, consume=False),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="on",
        )
    )
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)

    def run(coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout=30)

    feed = Feed(container.projector)
    run(
        feed(
            "OrgUnitCreated",
            {"org_unit_id": "acme", "name": "Acme", "kind": "company", "parent_id": None},
        )
    )
    run(
        feed(
            "PersonJoined",
            {
                "person_id": "ceo",
                "name": "Cora",
                "email": "cora@acme.test",
                "manager_id": None,
                "org_unit_id": "acme",
                "locale": "en",
            },
        )
    )
    run(
        feed(
            "CyclePlanned",
            {
                "cycle_id": "2026-Q1",
                "name": "Q1",
                "cadence": "quarterly",
                "starts_on": "2026-01-01",
                "ends_on": "2026-03-31",
            },
        )
    )
    run(feed("ObjectiveCreated", created(str(uuid.uuid4()), owner_id="ceo")))
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    run(container.mongo.drop_database(settings_.database))
    server.should_exit = True
    thread.join(timeout=10)


def test_projections_answer_as_documented(projections, issuer):
    schema = schemathesis.openapi.from_url(f"{projections}/openapi.json", config=CONFIG)
    assert fuzz_schema(schema, bearer(issuer, "ceo", "admin"), EXAMPLES) >= 90


@pytest.mark.parametrize("build", ["goals", "checkins"])
def test_without_a_token_every_route_answers_401(build):
    app = goals_app() if build == "goals" else checkins_app(World())
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    for result in schema.get_all_operations():
        operation = result.ok()
        if is_open(operation.path, frozenset()):
            continue

        @settings(
            max_examples=ANONYMOUS_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call()
            assert response.status_code == 401, (case.method, case.formatted_path, response.text)

        check()
