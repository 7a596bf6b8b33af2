"""Prints a development bearer token: python -m okr_shared.dev_tokens TENANT ACTOR [ROLE ...].

Runs only with OKR_ENV=development; the service images do not contain this module.
"""

from __future__ import annotations

import sys

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings, development_mode


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not development_mode():
        print(
            "dev_tokens: refusing to issue tokens outside development (set OKR_ENV=development)",
            file=sys.stderr,
        )
        return 3
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tenant, actor, *roles = args
    print(DevTokenIssuer(AuthSettings()).issue(tenant, actor, tuple(roles), ttl_seconds=12 * 3600))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
