#!/usr/bin/env bash
# PostgreSQL from Debian's package, as the event store. Its cluster lives in the state directory.
# Usage: postgres.sh install|start|stop|status
source "$(dirname "$0")/common.sh"

PG_DATA="$OKR_STATE/postgres"

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

install() {
  [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/postgres" ] && return 0
  log "installing PostgreSQL from Debian's packages"
  apt_install postgresql postgresql-contrib
}

# Runs a command as the cluster's owner: 'postgres' when we are root (initdb refuses root).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ready() { as_owner "$(pg_bindir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

start() {
  install
  local bin; bin="$(pg_bindir)"
  if pid_alive postgres && ready; then log "already running"; return 0; fi
  mkdir -p "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATA" "$LOG_DIR/"
  chmod 700 "$PG_DATA"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    log "initialising a cluster in $PG_DATA"
    as_owner "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
      || die "initdb failed"
  fi
  touch "$LOG_DIR/postgres.log"; [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$LOG_DIR/postgres.log"
  as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$LOG_DIR/postgres.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DATA -c max_connections=200 -c fsync=${OKR_PG_FSYNC:-on}" >/dev/null \
    || die "postgres did not start (log: $LOG_DIR/postgres.log)"
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
  local bin; bin="$(pg_bindir)"
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null || true
  fi
  rm -f "$PID_DIR/postgres.pid"
  log "postgres stopped"
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) ready && echo "postgres: running on :$PG_PORT" || { echo "postgres: stopped"; exit 1; } ;;
  *) die "usage: $0 install|start|stop|status" ;;
esac
