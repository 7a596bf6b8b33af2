"""Prints a development bearer token: python -m okr_shared.dev_tokens TENANT ACTOR [ROLE ...]."""

from __future__ import annotations

import sys

from okr_shared.identity import DevTokenIssuer
from okr_shared.settings import AuthSettings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tenant, actor, *roles = args
    print(DevTokenIssuer(AuthSettings()).issue(tenant, actor, tuple(roles), ttl_seconds=12 * 3600))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
