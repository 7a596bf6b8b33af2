"""The profile summary: samples charged to the innermost known component, the innermost platform
function, and the results file's section."""

from __future__ import annotations

from tests.bench.profiles import OTHER, PLATFORM, markdown, parse

RAW = [
    "run (asyncio/base_events.py);save (okr_shared/service_store.py);"
    "validate (okr_shared/contracts/registry.py);iter_errors (jsonschema/validators.py) 6\n",
    "run (asyncio/base_events.py);save (okr_shared/service_store.py);"
    "execute (psycopg/cursor.py) 3\n",
    "run (asyncio/base_events.py);save (okr_shared/service_store.py) 1\n",
    "<module> (<string>) 2\n",
    "not a sample line\n",
]


def test_samples_go_to_the_innermost_known_component() -> None:
    summary = parse("checkins", RAW).summary()

    assert summary["samples"] == 12
    assert summary["components"] == [
        ["contract validation (jsonschema)", 50.0],
        ["PostgreSQL driver (psycopg)", 25.0],
        [OTHER, 16.7],
        [PLATFORM, 8.3],
    ]


def test_a_sample_goes_to_the_innermost_platform_function() -> None:
    summary = parse("checkins", RAW).summary()

    assert summary["functions"] == [
        ["validate (okr_shared/contracts/registry.py)", 50.0],
        ["save (okr_shared/service_store.py)", 33.3],
    ]


def test_the_section_shows_this_run_and_the_kept_profile() -> None:
    now = [parse("checkins", RAW).summary()]
    kept = {"label": "before-x", "when": "2026-12-01 10:00 UTC", "profiles": now}

    text = "\n".join(markdown(now, kept))

    assert "**checkins**, this run, 12 samples" in text
    assert "**checkins**, before: before-x (2026-12-01 10:00 UTC), 12 samples" in text
    assert (
        "| contract validation (jsonschema) | 50.0 % "
        "| `validate (okr_shared/contracts/registry.py)` | 50.0 % |" in text
    )
