#!/usr/bin/env bash
# Runs a command with the local infrastructure up; stops afterwards only what it started itself.
source "$(dirname "$0")/common.sh"
here="$(dirname "$0")"

started=()
for s in postgres ferretdb kafka; do
  "$here/$s.sh" status >/dev/null 2>&1 || started+=("$s")
done
cleanup() { for s in "${started[@]}"; do "$here/$s.sh" stop || true; done; }
trap cleanup EXIT
if [ "${#started[@]}" -gt 0 ]; then "$here/infra.sh" up; fi
set +e
"$@"
rc=$?
exit $rc
