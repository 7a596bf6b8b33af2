#!/usr/bin/env bash
# Keycloak in dev mode (in-memory database), from the org.keycloak:keycloak-quarkus-dist zip on
# Maven Central, with the `okr` realm imported from deploy/local/keycloak/okr-realm.json.
# Usage: keycloak.sh install|start|stop|status
source "$(dirname "$0")/common.sh"

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.5.6}"
KEYCLOAK_PORT="${OKR_KEYCLOAK_PORT:-18080}"
KEYCLOAK_JAVA_HOME="${OKR_KEYCLOAK_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }
# Keycloak needs Java 21+: the configured JDK, else JAVA_HOME, else the newest under /usr/lib/jvm.
if [ ! -x "$KEYCLOAK_JAVA_HOME/bin/java" ] || [ "$(java_major "$KEYCLOAK_JAVA_HOME")" -lt 21 ]; then
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -Vr); do
    candidate="${candidate%/}"
    if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
      KEYCLOAK_JAVA_HOME="$candidate"; break
    fi
  done
fi
KEYCLOAK_HOME="$OKR_CACHE/keycloak-$KEYCLOAK_VERSION"
KEYCLOAK_STATE="$OKR_STATE/keycloak"
REALM_FILE="$REPO_ROOT/deploy/local/keycloak/okr-realm.json"

install() {
  [ -f "$KEYCLOAK_HOME/.complete" ] && return 0
  command -v mvn >/dev/null || apt_install maven
  command -v unzip >/dev/null || apt_install unzip
  [ -x "$KEYCLOAK_JAVA_HOME/bin/java" ] && [ "$(java_major "$KEYCLOAK_JAVA_HOME")" -ge 21 ] \
    || die "Keycloak needs Java 21+: set OKR_KEYCLOAK_JAVA_HOME (or OKR_KEYCLOAK=false)"
  log "fetching keycloak-quarkus-dist:$KEYCLOAK_VERSION with Maven into $KEYCLOAK_HOME"
  local dl="$OKR_CACHE/keycloak-download"
  rm -rf "$dl" "$KEYCLOAK_HOME"; mkdir -p "$dl"
  (cd "$dl" && mvn -q -B dependency:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:zip" \
    -DoutputDirectory="$dl" -Dmdep.stripVersion=true >&2) || die "maven could not fetch Keycloak"
  (cd "$dl" && unzip -q keycloak-quarkus-dist.zip) || die "could not unpack Keycloak"
  mv "$dl/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME"
  rm -rf "$dl"
  touch "$KEYCLOAK_HOME/.complete"
}

ready() {
  curl -fs -o /dev/null \
    "http://127.0.0.1:$KEYCLOAK_PORT/realms/okr/.well-known/openid-configuration"
}

start() {
  install
  if pid_alive keycloak; then log "already running"; return 0; fi
  port_open "$KEYCLOAK_PORT" && die "port $KEYCLOAK_PORT is taken (set OKR_KEYCLOAK_PORT)"
  # Dev mode imports the realm from the home's data/import at every start (in-memory database).
  mkdir -p "$KEYCLOAK_STATE" "$KEYCLOAK_HOME/data/import"
  cp "$REALM_FILE" "$KEYCLOAK_HOME/data/import/okr-realm.json"
  : > "$LOG_DIR/keycloak.log"
  JAVA_HOME="$KEYCLOAK_JAVA_HOME" PATH="$KEYCLOAK_JAVA_HOME/bin:$PATH" \
    KC_BOOTSTRAP_ADMIN_USERNAME="${OKR_KEYCLOAK_ADMIN:-admin}" \
    KC_BOOTSTRAP_ADMIN_PASSWORD="${OKR_KEYCLOAK_ADMIN_PASSWORD:-admin}" \
    JAVA_OPTS_APPEND="-Djava.io.tmpdir=$KEYCLOAK_STATE" \
    nohup "$KEYCLOAK_HOME/bin/kc.sh" start-dev --db=dev-mem --import-realm \
    --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" --health-enabled=false \
    >>"$LOG_DIR/keycloak.log" 2>&1 &
  echo $! > "$PID_DIR/keycloak.pid"
  wait_for "keycloak on :$KEYCLOAK_PORT" 180 ready
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop_pidfile keycloak 30 ;;
  status) pid_alive keycloak && ready && echo "keycloak: running on :$KEYCLOAK_PORT" \
    || { echo "keycloak: stopped"; exit 1; } ;;
  *) die "usage: $0 install|start|stop|status" ;;
esac
