"""The projections HTTP app over stub queries: a container whose every feature asks one stub."""

from types import SimpleNamespace

from okr_projections.settings import ProjectionsSettings
from okr_shared.identity import TokenVerifier
from okr_shared.settings import AuthSettings


def stub_container(queries):
    """A container for `create_http_app` whose every feature asks `queries`."""
    return SimpleNamespace(
        settings=ProjectionsSettings(),
        verifier=TokenVerifier(AuthSettings()),
        queries=SimpleNamespace(objectives=queries, directory=queries, cycles=queries, due=queries),
    )
