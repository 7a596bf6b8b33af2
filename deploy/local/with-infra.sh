#!/usr/bin/env bash
# Runs a command with the local infrastructure up; stops afterwards only what it started itself.
source "$(dirname "$0")/common.sh"
here="$(dirname "$0")"

services=(postgres ferretdb kafka jaeger)
if [ "${OKR_KEYCLOAK:-true}" = "true" ]; then services+=(keycloak); fi
started=()
for s in "${services[@]}"; do
  "$here/$s.sh" status >/dev/null 2>&1 || started+=("$s")
done
cleanup() { for s in "${started[@]}"; do "$here/$s.sh" stop || true; done; }
trap cleanup EXIT
if [ "${#started[@]}" -gt 0 ]; then "$here/infra.sh" up; fi
# The browser tests drive Debian's Chromium (installed here when missing and we are root).
"$here/chromium.sh" install
# Development mode for the tests and tools run here; the Keycloak tests expect Keycloak up.
export OKR_ENV="${OKR_ENV:-development}"
if [ "${OKR_KEYCLOAK:-true}" = "true" ]; then
  export OKR_KEYCLOAK_URL="${OKR_KEYCLOAK_URL:-http://127.0.0.1:${OKR_KEYCLOAK_PORT:-18080}}"
fi
set +e
"$@"
rc=$?
exit $rc
