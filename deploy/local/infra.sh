#!/usr/bin/env bash
# Starts or stops the whole local infrastructure: Kafka, PostgreSQL and FerretDB.
# Usage: infra.sh up|down|status|install
source "$(dirname "$0")/common.sh"
here="$(dirname "$0")"

case "${1:-up}" in
  install) "$here/kafka.sh" install & k=$!; "$here/postgres.sh" install; "$here/ferretdb.sh" install; wait "$k" ;;
  up)
    # Builds and downloads run side by side; the servers start once all are in place.
    "$here/kafka.sh" install & k=$!
    "$here/ferretdb.sh" install & f=$!
    "$here/postgres.sh" install
    wait "$k"; wait "$f"
    "$here/postgres.sh" start; "$here/ferretdb.sh" start; "$here/kafka.sh" start ;;
  down) "$here/kafka.sh" stop; "$here/ferretdb.sh" stop; "$here/postgres.sh" stop ;;
  status) rc=0; for s in kafka postgres ferretdb; do "$here/$s.sh" status || rc=1; done; exit $rc ;;
  *) die "usage: $0 up|down|status|install" ;;
esac
