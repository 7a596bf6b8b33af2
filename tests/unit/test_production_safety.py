"""Outside development mode, nothing starts with settings that would let anyone forge tokens."""

from __future__ import annotations

import pathlib
import secrets
import shutil
import subprocess

import pytest
import yaml

from okr_shared import dev_tokens
from okr_shared.identity import DevTokenIssuer, TokenVerifier
from okr_shared.settings import DEV_JWT_ISSUER, DEV_JWT_KEY, AuthSettings, UnsafeConfiguration

ROOT = pathlib.Path(__file__).resolve().parents[2]
GOOD_KEY = secrets.token_urlsafe(48)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_ENV", "production")
    for name in ("OKR_JWT_KEY", "OKR_JWT_ISSUER", "OKR_OIDC_ISSUER", "OKR_OIDC_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (dict(verification_key=DEV_JWT_KEY, issuer="https://id.acme.example"), "OKR_JWT_KEY"),
        (
            dict(
                verification_key="REPLACE-ME-with-a-long-random-key-of-forty-bytes",
                issuer="https://id.acme.example",
            ),
            "OKR_JWT_KEY is a placeholder",
        ),
        (
            dict(verification_key="changeme" + GOOD_KEY, issuer="https://id.acme.example"),
            "placeholder",
        ),
        (
            dict(
                verification_key="short-but-random-31-bytes-xxxxx", issuer="https://id.acme.example"
            ),
            "shorter than 32 bytes",
        ),
        (dict(verification_key=GOOD_KEY, issuer=DEV_JWT_ISSUER), "OKR_JWT_ISSUER"),
        (dict(verification_key="", issuer="https://id.acme.example"), "OKR_OIDC_ISSUER"),
        (dict(oidc_issuer=DEV_JWT_ISSUER), "development issuer"),
    ],
)
def test_unsafe_settings_refuse_to_start_naming_the_setting(
    production: None, settings: dict, named: str
) -> None:
    with pytest.raises(UnsafeConfiguration, match=named):
        TokenVerifier(AuthSettings(**settings))


def test_defaults_outside_development_refuse_to_start(production: None) -> None:
    with pytest.raises(UnsafeConfiguration, match="no token verification configured"):
        TokenVerifier(AuthSettings())


def test_a_real_key_and_issuer_or_an_oidc_issuer_start(production: None) -> None:
    TokenVerifier(AuthSettings(verification_key=GOOD_KEY, issuer="https://id.acme.example"))
    TokenVerifier(AuthSettings(oidc_issuer="https://id.acme.example/realms/okr"))


def test_development_mode_accepts_the_development_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_ENV", "development")
    TokenVerifier(AuthSettings())


def test_the_development_issuer_and_its_command_refuse_outside_development(
    production: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(UnsafeConfiguration, match="OKR_ENV=development"):
        DevTokenIssuer(AuthSettings(verification_key=GOOD_KEY, issuer="x"))
    assert dev_tokens.main(["acme", "ceo", "admin"]) == 3
    assert "OKR_ENV=development" in capsys.readouterr().err


def test_each_service_refuses_to_start_with_the_development_key(
    production: None, monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    from okr_checkins.bootstrap import bootstrap as checkins
    from okr_goals.bootstrap import bootstrap as goals
    from okr_projections.bootstrap import bootstrap as projections
    from okr_reviews.bootstrap import bootstrap as reviews

    monkeypatch.setenv("OKR_JWT_KEY", DEV_JWT_KEY)
    monkeypatch.setenv("OKR_JWT_ISSUER", DEV_JWT_ISSUER)
    monkeypatch.setenv("OKR_GOALS_SQLITE_PATH", str(tmp_path / "goals.sqlite"))
    monkeypatch.setenv("OKR_CHECKINS_SQLITE_PATH", str(tmp_path / "checkins.sqlite"))
    monkeypatch.setenv("OKR_REVIEWS_SQLITE_PATH", str(tmp_path / "reviews.sqlite"))
    for build in (goals, checkins, projections, reviews):
        with pytest.raises(UnsafeConfiguration, match="OKR_JWT_KEY is the development key"):
            build()


def test_service_images_leave_out_the_development_token_module() -> None:
    for dockerfile in sorted(ROOT.glob("services/*/Dockerfile")):
        text = dockerfile.read_text()
        assert "rm shared/okr_shared/dev_tokens.py" in text, dockerfile
        assert "OKR_ENV=production" in text, dockerfile


def test_every_service_has_an_image_that_copies_every_workspace_member() -> None:
    members = sorted(p.parent.relative_to(ROOT) for p in ROOT.glob("services/*/pyproject.toml"))
    assert len(members) >= 4, members
    for member in members:
        dockerfile = ROOT / member / "Dockerfile"
        assert dockerfile.exists(), f"{member} has no Dockerfile"
        text = dockerfile.read_text()
        assert "HEALTHCHECK" in text and "/health/ready" in text, dockerfile
        for other in [pathlib.Path("shared"), *members]:
            assert f"COPY {other}/pyproject.toml {other}/" in text, (dockerfile, other)


def test_the_production_overlay_ships_no_usable_secret() -> None:
    overlay = (ROOT / "k8s/overlays/production/kustomization.yaml").read_text()
    assert "REPLACE-ME" not in overlay
    patches = [
        yaml.safe_load(p["patch"]) if isinstance(p.get("patch"), str) else p
        for p in yaml.safe_load(overlay)["patches"]
    ]
    assert any(
        isinstance(p, dict) and p.get("kind") == "Secret" and p.get("$patch") == "delete"
        for p in patches
    ), "the overlay must delete the base's template Secret"


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl (kustomize) not installed")
def test_the_built_production_overlay_has_no_secret_and_probes_split_live_from_ready() -> None:
    built = subprocess.run(
        ["kubectl", "kustomize", str(ROOT / "k8s/overlays/production")],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    objects = [o for o in yaml.safe_load_all(built) if o]
    assert not [o for o in objects if o["kind"] == "Secret"]
    services = [
        o
        for o in objects
        if o["kind"] == "Deployment"
        and o["metadata"]["labels"]["app.kubernetes.io/component"] == "api"
    ]
    assert len(services) == 6
    for deployment in services:
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
