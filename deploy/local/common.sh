#!/usr/bin/env bash
# Shared settings of the local infrastructure scripts: where things are cached, kept and logged.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OKR_CACHE="${OKR_CACHE:-$HOME/.cache/okr-platform}"
OKR_STATE="${OKR_STATE:-$REPO_ROOT/.state}"
mkdir -p "$OKR_STATE"
OKR_STATE="$(cd "$OKR_STATE" && pwd)"
LOG_DIR="$OKR_STATE/logs"
PID_DIR="$OKR_STATE/pids"
mkdir -p "$OKR_CACHE" "$LOG_DIR" "$PID_DIR"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_PORT="${OKR_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${OKR_KAFKA_CONTROLLER_PORT:-9093}"
PG_PORT="${OKR_PG_PORT:-54329}"
PG_USER="${OKR_PG_USER:-okr}"
PG_PASSWORD="${OKR_PG_PASSWORD:-okr}"
PG_DB="${OKR_PG_DB:-okr}"
FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
FERRETDB_PORT="${OKR_FERRETDB_PORT:-27017}"
FERRETDB_DEBUG_PORT="${OKR_FERRETDB_DEBUG_PORT:-27117}"
JAEGER_VERSION="${JAEGER_VERSION:-v1.76.0}"
JAEGER_OTLP_PORT="${OKR_JAEGER_OTLP_PORT:-4318}"
JAEGER_UI_PORT="${OKR_JAEGER_UI_PORT:-16686}"
JAEGER_QUERY_GRPC_PORT="${OKR_JAEGER_QUERY_GRPC_PORT:-16685}"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Runs apt-get install for the given Debian packages, once, when we may.
apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${OKR_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq >&2 || die "apt-get update failed"
    export OKR_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

pid_alive() { local f="$PID_DIR/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits until the check command succeeds, or fails after the given seconds.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || die "$what did not become ready within ${seconds}s (logs: $LOG_DIR)"
    sleep 0.5
  done
  log "$what is ready"
}

# Stops the process recorded in the pid file: TERM, then KILL after a grace period.
stop_pidfile() {
  local name="$1" f="$PID_DIR/$1.pid" grace="${2:-30}"
  if ! pid_alive "$name"; then rm -f "$f"; log "$name is not running"; return 0; fi
  local pid; pid="$(cat "$f")"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then kill -KILL "$pid" 2>/dev/null || true; break; fi
    sleep 0.3
  done
  rm -f "$f"
  log "$name stopped"
}
