#!/usr/bin/env bash
# FerretDB (MongoDB wire protocol) built from its Go module, with the SQLite backend.
# Usage: ferretdb.sh install|start|stop|status
source "$(dirname "$0")/common.sh"

FERRETDB_BIN="$OKR_CACHE/ferretdb-$FERRETDB_VERSION/ferretdb"
FERRETDB_DATA="$OKR_STATE/ferretdb"

install() {
  [ -x "$FERRETDB_BIN" ] && return 0
  command -v go >/dev/null || apt_install golang-go
  log "building FerretDB $FERRETDB_VERSION from its Go module (a few minutes the first time)"
  local src build
  src="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || die "go mod download gave no source directory"
  build="$OKR_CACHE/ferretdb-src-$FERRETDB_VERSION"
  rm -rf "$build"; cp -r "$src" "$build"; chmod -R u+w "$build"
  # The module zip lacks the version file that the project's own build task generates.
  echo "$FERRETDB_VERSION" > "$build/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$build" && CGO_ENABLED=0 go build -trimpath -o "$FERRETDB_BIN.tmp" ./cmd/ferretdb) >&2 || die "go build failed"
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
  rm -rf "$build"
}

ready() { port_open "$FERRETDB_PORT"; }

start() {
  install
  if pid_alive ferretdb; then log "already running"; return 0; fi
  mkdir -p "$FERRETDB_DATA"
  nohup "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$FERRETDB_DATA/" \
    --listen-addr="127.0.0.1:$FERRETDB_PORT" --debug-addr="127.0.0.1:$FERRETDB_DEBUG_PORT" --telemetry=disable \
    --log-level=warn >>"$LOG_DIR/ferretdb.log" 2>&1 &
  echo $! > "$PID_DIR/ferretdb.pid"
  wait_for "ferretdb on :$FERRETDB_PORT" 60 ready
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop_pidfile ferretdb 20 ;;
  status) pid_alive ferretdb && ready && echo "ferretdb: running on :$FERRETDB_PORT" || { echo "ferretdb: stopped"; exit 1; } ;;
  *) die "usage: $0 install|start|stop|status" ;;
esac
