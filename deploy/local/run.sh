#!/usr/bin/env bash
# `make run`: infrastructure, every service built so far, the demo organisation and the web app
# (built first when services/web/frontend/dist is missing); Ctrl-C stops all.
source "$(dirname "$0")/common.sh"
here="$(dirname "$0")"
PY="$REPO_ROOT/.venv/bin/python"
GOALS_PORT="${OKR_GOALS_PORT:-8001}"
CHECKINS_PORT="${OKR_CHECKINS_PORT:-8002}"
REVIEWS_PORT="${OKR_REVIEWS_PORT:-8003}"
INCENTIVES_PORT="${OKR_INCENTIVES_PORT:-8004}"
PROJECTIONS_PORT="${OKR_PROJECTIONS_PORT:-8005}"
WEB_PORT="${OKR_WEB_PORT:-8000}"
FRONTEND="$REPO_ROOT/services/web/frontend"
export OKR_GOALS_SQLITE_PATH="${OKR_GOALS_SQLITE_PATH:-$OKR_STATE/goals-events.sqlite}"
export OKR_CHECKINS_SQLITE_PATH="${OKR_CHECKINS_SQLITE_PATH:-$OKR_STATE/checkins-events.sqlite}"
export OKR_REVIEWS_SQLITE_PATH="${OKR_REVIEWS_SQLITE_PATH:-$OKR_STATE/reviews-events.sqlite}"
export OKR_INCENTIVES_SQLITE_PATH="${OKR_INCENTIVES_SQLITE_PATH:-$OKR_STATE/incentives-events.sqlite}"
export OKR_KAFKA_BOOTSTRAP="localhost:$KAFKA_PORT" OKR_MONGO_URL="mongodb://127.0.0.1:$FERRETDB_PORT/"
# Development mode: the development signing key and token issuer are accepted here only.
export OKR_ENV=development

# Builds the web app (npm ci, then npm run build) when its dist/ is missing.
build_web_app() {
  if [ ! -f "$FRONTEND/package.json" ]; then
    log "no front end yet ($FRONTEND/package.json is missing): skipping its build; the web server answers a 'not built' page"
    return 0
  fi
  [ -f "$FRONTEND/dist/index.html" ] && return 0
  command -v npm >/dev/null || die "npm is needed to build the web app ($FRONTEND)"
  log "building the web app: npm ci && npm run build (log: $LOG_DIR/web-build.log)"
  (cd "$FRONTEND" && npm ci --no-audit --no-fund && npm run build) >>"$LOG_DIR/web-build.log" 2>&1 \
    || die "the web app did not build (log: $LOG_DIR/web-build.log)"
  log "web app built into $FRONTEND/dist"
}

pids=()
shutdown() {
  trap - INT TERM EXIT
  log "stopping services"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$here/infra.sh" down
  exit 0
}
trap shutdown INT TERM EXIT

build_web_app & web_build=$!; pids+=("$web_build")
"$here/infra.sh" up
# Traces go to the local Jaeger (deploy/local/jaeger.sh), one service name per service.
export OTEL_EXPORTER_OTLP_ENDPOINT="${OTEL_EXPORTER_OTLP_ENDPOINT:-http://127.0.0.1:$JAEGER_OTLP_PORT}"
OTEL_SERVICE_NAME=okr-goals "$PY" -m okr_goals.cli serve --port "$GOALS_PORT" >>"$LOG_DIR/goals.log" 2>&1 & pids+=($!)
OTEL_SERVICE_NAME=okr-checkins "$PY" -m okr_checkins.cli serve --port "$CHECKINS_PORT" >>"$LOG_DIR/checkins.log" 2>&1 & pids+=($!)
OTEL_SERVICE_NAME=okr-reviews "$PY" -m okr_reviews.cli serve --port "$REVIEWS_PORT" >>"$LOG_DIR/reviews.log" 2>&1 & pids+=($!)
OTEL_SERVICE_NAME=okr-incentives "$PY" -m okr_incentives.cli serve --port "$INCENTIVES_PORT" >>"$LOG_DIR/incentives.log" 2>&1 & pids+=($!)
OTEL_SERVICE_NAME=okr-projections "$PY" -m okr_projections.cli serve --port "$PROJECTIONS_PORT" >>"$LOG_DIR/projections.log" 2>&1 & pids+=($!)
wait_for "goal service" 60 curl -fs --no-progress-meter -o /dev/null \
  "http://127.0.0.1:$GOALS_PORT/health/ready"
wait_for "check-in service" 60 curl -fs -o /dev/null "http://127.0.0.1:$CHECKINS_PORT/health/ready"
wait_for "review service" 60 curl -fs -o /dev/null "http://127.0.0.1:$REVIEWS_PORT/health/ready"
wait_for "incentive service" 60 curl -fs -o /dev/null "http://127.0.0.1:$INCENTIVES_PORT/health/ready"
wait_for "projections service" 60 curl -fs -o /dev/null "http://127.0.0.1:$PROJECTIONS_PORT/health/ready"
demo="$("$PY" "$here/demo_org.py" "http://127.0.0.1:$GOALS_PORT" "http://127.0.0.1:$CHECKINS_PORT" \
  "http://127.0.0.1:$REVIEWS_PORT" "http://127.0.0.1:$INCENTIVES_PORT")" \
  || die "demo organisation did not load"
token="$(sed -n 1p <<<"$demo")" kickoff="$(sed -n 2p <<<"$demo")" cycle="$(sed -n 3p <<<"$demo")"
wait "$web_build" || die "the web app did not build (log: $LOG_DIR/web-build.log)"
OKR_WEB_GOALS_URL="http://127.0.0.1:$GOALS_PORT" OKR_WEB_CHECKINS_URL="http://127.0.0.1:$CHECKINS_PORT" \
  OKR_WEB_REVIEWS_URL="http://127.0.0.1:$REVIEWS_PORT" \
  OKR_WEB_INCENTIVES_URL="http://127.0.0.1:$INCENTIVES_PORT" \
  OKR_WEB_PROJECTIONS_URL="http://127.0.0.1:$PROJECTIONS_PORT" \
  OTEL_SERVICE_NAME=okr-web "$PY" -m okr_web.cli serve --port "$WEB_PORT" >>"$LOG_DIR/web.log" 2>&1 & pids+=($!)
wait_for "web server" 60 curl -fs -o /dev/null "http://127.0.0.1:$WEB_PORT/health/live"

cat <<TXT

  Web app              http://127.0.0.1:$WEB_PORT
    sign in as anyone of the demo organisation (development sign-in), e.g. the CEO Chen Wei
  Traces (Jaeger)      http://127.0.0.1:$JAEGER_UI_PORT

  OKR platform is running (event stores: SQLite in $OKR_STATE; logs: $LOG_DIR)

  Goal service         http://127.0.0.1:$GOALS_PORT        docs: http://127.0.0.1:$GOALS_PORT/docs
  Check-in service     http://127.0.0.1:$CHECKINS_PORT        docs: http://127.0.0.1:$CHECKINS_PORT/docs
  Review service       http://127.0.0.1:$REVIEWS_PORT        docs: http://127.0.0.1:$REVIEWS_PORT/docs
  Incentive service    http://127.0.0.1:$INCENTIVES_PORT        docs: http://127.0.0.1:$INCENTIVES_PORT/docs
  Projections service  http://127.0.0.1:$PROJECTIONS_PORT        docs: http://127.0.0.1:$PROJECTIONS_PORT/docs

  Demo tenant 'shopco' (an e-commerce company), token for its CEO:
    export TOKEN=$token
    curl -s -H "Authorization: Bearer \$TOKEN" 'http://127.0.0.1:$PROJECTIONS_PORT/v1/cycles/$cycle/tree'
    curl -s -H "Authorization: Bearer \$TOKEN" 'http://127.0.0.1:$GOALS_PORT/v1/cycles/$cycle/tree?as_of=$kickoff'
      (the tree rebuilt from events as it stood before the $cycle kick-off)
  Other tokens: OKR_ENV=development .venv/bin/python -m okr_shared.dev_tokens TENANT ACTOR

  Ctrl-C stops everything.
TXT
wait
