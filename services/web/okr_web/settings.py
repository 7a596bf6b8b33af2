"""Settings of the web server, from the environment."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from okr_shared.settings import AuthSettings, Csv, EnvSettings, HttpSettings, env

SERVICES = ("goals", "checkins", "reviews", "incentives", "projections")
"""The services forwarded under `/api/<service>/`, in the order of their ports 8001..8005."""

DEFAULT_DIST = Path(__file__).resolve().parents[1] / "frontend" / "dist"


class WebSettings(EnvSettings):
    auth: AuthSettings = Field(default_factory=AuthSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    goals_url: str = env("OKR_WEB_GOALS_URL", "http://127.0.0.1:8001")
    checkins_url: str = env("OKR_WEB_CHECKINS_URL", "http://127.0.0.1:8002")
    reviews_url: str = env("OKR_WEB_REVIEWS_URL", "http://127.0.0.1:8003")
    incentives_url: str = env("OKR_WEB_INCENTIVES_URL", "http://127.0.0.1:8004")
    projections_url: str = env("OKR_WEB_PROJECTIONS_URL", "http://127.0.0.1:8005")
    # Readiness asks these services' /health/live (all five unless narrowed).
    ready_services: Csv = env("OKR_WEB_READY_SERVICES", SERVICES)
    connect_timeout_seconds: float = env("OKR_WEB_CONNECT_TIMEOUT_SECONDS", 3.0)
    # Longest wait for an upstream's answer (and between two chunks of it).
    read_timeout_seconds: float = env("OKR_WEB_READ_TIMEOUT_SECONDS", 30.0)
    dist_dir: Path = env("OKR_WEB_DIST", DEFAULT_DIST)
    oidc_client_id: str = env("OKR_WEB_OIDC_CLIENT_ID", "")
    oidc_scopes: str = env("OKR_WEB_OIDC_SCOPES", "openid profile email")
    dev_tenant: str = env("OKR_WEB_DEV_TENANT", "shopco")
    # JSON object person_id -> roles, replacing the roles the directory suggests for those people.
    dev_roles: dict[str, list[str]] = env("OKR_WEB_DEV_ROLES", default_factory=dict)
    dev_token_ttl_seconds: int = env("OKR_WEB_DEV_TOKEN_TTL_SECONDS", 8 * 3600)

    def service_url(self, service: str) -> str:
        """The base address of one forwarded service."""
        return str(getattr(self, f"{service}_url")).rstrip("/")
