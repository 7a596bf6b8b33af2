#!/usr/bin/env bash
# PostgreSQL from Debian's package, as the event store. Its cluster lives in the state directory,
# or, when we are root and the postgres user cannot reach that directory (a checkout under /root
# or in a mode-700 folder), in a per-checkout directory under $PG_HOME_BASE that
# $OKR_STATE/postgres links to.
# Usage: postgres.sh install|start|stop|status|clean
source "$(dirname "$0")/common.sh"

PG_LINK="$OKR_STATE/postgres"
PG_HOME_BASE="${OKR_PG_HOME_BASE:-/var/lib/okr-platform}"

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install() {
  [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/postgres" ] && return 0
  log "installing PostgreSQL from Debian's packages"
  apt_install postgresql postgresql-contrib
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# Runs a command as the cluster's owner: 'postgres' when we are root (initdb refuses root), from /
# because the owner may not be allowed into the current directory.
as_owner() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Whether the postgres user may pass through the directory and every one above it.
owner_reaches() { (cd / && runuser -u postgres -- test -x "$1") 2>/dev/null; }

# Where the cluster lives. Sets PG_DATA (also the socket directory), PG_LOG and PG_HOME (the
# per-checkout directory outside the state directory, empty when the cluster is inside it).
locate() {
  PG_HOME=""
  if [ -L "$PG_LINK" ]; then
    PG_DATA="$(readlink "$PG_LINK")"
    PG_HOME="$(dirname "$PG_DATA")"
  elif ! is_root || owner_reaches "$OKR_STATE"; then
    PG_DATA="$PG_LINK"
  else
    PG_HOME="$PG_HOME_BASE/$(printf '%s' "$OKR_STATE" | sha256sum | cut -c1-16)"
    PG_DATA="$PG_HOME/postgres"
  fi
  if [ -n "$PG_HOME" ]; then PG_LOG="$PG_HOME/postgres.log"; else PG_LOG="$LOG_DIR/postgres.log"; fi
}

# Creates the per-checkout directory (root-owned, readable by all, the cluster itself mode 700)
# and the links from the state directory to the cluster and its log.
prepare_home() {
  local owner
  mkdir -p "$PG_HOME_BASE"
  owner="$(stat -c '%U %a' "$PG_HOME_BASE")"
  case "$owner" in
    "root "?[0145][0145]) ;;
    *) die "$PG_HOME_BASE must be owned by root and writable by root alone (is: $owner)" ;;
  esac
  chmod 755 "$PG_HOME_BASE"
  mkdir -p "$PG_HOME"; chown root:root "$PG_HOME"; chmod 755 "$PG_HOME"
  if [ -f "$PG_HOME/checkout" ] && [ "$(cat "$PG_HOME/checkout")" != "$OKR_STATE" ]; then
    die "$PG_HOME belongs to $(cat "$PG_HOME/checkout"); remove the link $PG_LINK"
  fi
  printf '%s\n' "$OKR_STATE" > "$PG_HOME/checkout"
  if [ -d "$PG_LINK" ] && [ ! -L "$PG_LINK" ]; then
    # A cluster the postgres user can no longer reach (the checkout moved), or a failed initdb.
    if [ -f "$PG_LINK/PG_VERSION" ] && [ ! -e "$PG_DATA" ]; then
      log "moving the cluster from $PG_LINK to $PG_DATA"
      mv "$PG_LINK" "$PG_DATA"
    else
      rm -rf "$PG_LINK"
    fi
  fi
  ln -sfn "$PG_DATA" "$PG_LINK"
  touch "$PG_LOG"; chown postgres:postgres "$PG_LOG"
  ln -sfn "$PG_LOG" "$LOG_DIR/postgres.log"
}

ready() { as_owner "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

start() {
  install
  locate
  local bin; bin="$(pg_bindir)"
  if pid_alive postgres && ready; then log "already running"; return 0; fi
  [ -z "$PG_HOME" ] || prepare_home
  mkdir -p "$PG_DATA"
  is_root && chown postgres:postgres "$PG_DATA" "$LOG_DIR/"
  chmod 700 "$PG_DATA"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initialising a cluster in $PG_DATA"
    as_owner "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed"
  fi
  touch "$PG_LOG"; is_root && chown postgres:postgres "$PG_LOG"
  as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DATA -c max_connections=200 -c fsync=${OKR_PG_FSYNC:-on}" >/dev/null \
    || die "postgres did not start (log: $PG_LOG)"
  head -n 1 "$PG_DATA/postmaster.pid" > "$PID_DIR/postgres.pid"
  wait_for "postgres on :$PG_PORT" 60 ready
  as_owner "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<SQL >/dev/null
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_USER CREATEDB;
  END IF;
END \$\$;
SQL
  if ! as_owner "$bin/psql" -tA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
      -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres -O "$PG_USER" "$PG_DB"
  fi
}

stop() {
  locate
  local bin; bin="$(pg_bindir)"
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true
  fi
  rm -f "$PID_DIR/postgres.pid"
  log "postgres stopped"
}

status() {
  locate
  if ready; then echo "postgres: running on :$PG_PORT (data: $PG_DATA)"; return 0; fi
  echo "postgres: stopped"; return 1
}

# Stops the cluster and removes it with its log, wherever it lives.
clean() {
  stop
  locate
  if [ -n "$PG_HOME" ] && [ -d "$PG_HOME" ]; then
    [ "$(cat "$PG_HOME/checkout" 2>/dev/null)" = "$OKR_STATE" ] \
      || die "$PG_HOME does not belong to $OKR_STATE; not removing it"
    rm -rf "$PG_HOME"
    rmdir "$PG_HOME_BASE" 2>/dev/null || true
  fi
  rm -rf "$PG_LINK" "$LOG_DIR/postgres.log"
  log "postgres cluster removed"
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  clean) clean ;;
  *) die "usage: $0 install|start|stop|status|clean" ;;
esac
