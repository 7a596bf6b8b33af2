#!/usr/bin/env bash
# Starts or stops the whole local infrastructure: Kafka, PostgreSQL, FerretDB, Keycloak
# (the OIDC provider; OKR_KEYCLOAK=false leaves it out) and Jaeger (the OTLP trace backend).
# `install` and `up` also install Chromium for the browser tests (chromium.sh).
# Usage: infra.sh up|down|status|install
source "$(dirname "$0")/common.sh"
here="$(dirname "$0")"

with_keycloak() { [ "${OKR_KEYCLOAK:-true}" = "true" ]; }

case "${1:-up}" in
  install)
    "$here/kafka.sh" install & k=$!
    "$here/jaeger.sh" install & j=$!
    kc=""; if with_keycloak; then "$here/keycloak.sh" install & kc=$!; fi
    "$here/postgres.sh" install; "$here/ferretdb.sh" install; "$here/chromium.sh" install
    wait "$k"; wait "$j"
    if [ -n "$kc" ]; then wait "$kc"; fi ;;
  up)
    # Builds and downloads run side by side; the servers start once all are in place.
    # Keycloak starts beside the others (it is the slowest to start).
    "$here/kafka.sh" install & k=$!
    "$here/ferretdb.sh" install & f=$!
    "$here/jaeger.sh" install & j=$!
    kc=""; if with_keycloak; then "$here/keycloak.sh" start & kc=$!; fi
    "$here/postgres.sh" install; "$here/chromium.sh" install
    wait "$k"; wait "$f"; wait "$j"
    "$here/postgres.sh" start; "$here/ferretdb.sh" start; "$here/kafka.sh" start
    "$here/jaeger.sh" start
    if [ -n "$kc" ]; then wait "$kc" || die "keycloak did not start"; fi ;;
  down)
    "$here/kafka.sh" stop; "$here/ferretdb.sh" stop; "$here/postgres.sh" stop
    "$here/keycloak.sh" stop; "$here/jaeger.sh" stop ;;
  status)
    rc=0; services=(kafka postgres ferretdb jaeger); if with_keycloak; then services+=(keycloak); fi
    for s in "${services[@]}"; do "$here/$s.sh" status || rc=1; done
    "$here/chromium.sh" health || rc=1; exit $rc ;;
  *) die "usage: $0 up|down|status|install" ;;
esac
