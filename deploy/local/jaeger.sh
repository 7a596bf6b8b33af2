#!/usr/bin/env bash
# Jaeger all-in-one (the OTLP backend of `make run` and the e2e trace test), built from its Go
# module, with in-memory storage: OTLP over HTTP on 127.0.0.1:$JAEGER_OTLP_PORT, the query UI and
# API on 127.0.0.1:$JAEGER_UI_PORT.
# Usage: jaeger.sh install|start|stop|status
source "$(dirname "$0")/common.sh"

JAEGER_BIN="$OKR_CACHE/jaeger-$JAEGER_VERSION/jaeger"

install() {
  [ -x "$JAEGER_BIN" ] && return 0
  command -v go >/dev/null || apt_install golang-go
  log "building Jaeger $JAEGER_VERSION from its Go module (several minutes the first time)"
  local src build
  src="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || die "go mod download gave no source directory"
  build="$OKR_CACHE/jaeger-src-$JAEGER_VERSION"
  rm -rf "$build"; cp -r "$src" "$build"; chmod -R u+w "$build"
  mkdir -p "$(dirname "$JAEGER_BIN")"
  (cd "$build" && CGO_ENABLED=0 go build -trimpath -o "$JAEGER_BIN.tmp" ./cmd/jaeger) >&2 || die "go build failed"
  mv "$JAEGER_BIN.tmp" "$JAEGER_BIN"
  rm -rf "$build"
}

ready() { port_open "$JAEGER_OTLP_PORT" && port_open "$JAEGER_UI_PORT"; }

start() {
  install
  if pid_alive jaeger; then log "already running"; return 0; fi
  local config="$OKR_STATE/jaeger.yaml"
  sed -e "s#@OTLP_PORT@#$JAEGER_OTLP_PORT#" -e "s#@UI_PORT@#$JAEGER_UI_PORT#" \
    -e "s#@QUERY_GRPC_PORT@#$JAEGER_QUERY_GRPC_PORT#" \
    "$REPO_ROOT/deploy/local/jaeger/config.yaml" > "$config"
  nohup "$JAEGER_BIN" --config "file:$config" >>"$LOG_DIR/jaeger.log" 2>&1 &
  echo $! > "$PID_DIR/jaeger.pid"
  wait_for "jaeger on :$JAEGER_OTLP_PORT (UI :$JAEGER_UI_PORT)" 60 ready
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop_pidfile jaeger 20 ;;
  status) pid_alive jaeger && ready && echo "jaeger: running, OTLP on :$JAEGER_OTLP_PORT, UI on http://127.0.0.1:$JAEGER_UI_PORT" || { echo "jaeger: stopped"; exit 1; } ;;
  *) die "usage: $0 install|start|stop|status" ;;
esac
