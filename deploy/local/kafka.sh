#!/usr/bin/env bash
# Apache Kafka, single node in KRaft mode, from the org.apache.kafka:kafka_2.13 Maven artifacts.
# Usage: kafka.sh install|start|stop|status
source "$(dirname "$0")/common.sh"

KAFKA_HOME="$OKR_CACHE/kafka-$KAFKA_VERSION"
KAFKA_DATA="$OKR_STATE/kafka"

install() {
  [ -f "$KAFKA_HOME/.complete" ] && return 0
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
  log "resolving kafka_2.13:$KAFKA_VERSION with Maven into $KAFKA_HOME"
  mkdir -p "$KAFKA_HOME"
  sed "s/@KAFKA_VERSION@/$KAFKA_VERSION/" "$REPO_ROOT/deploy/local/kafka/pom.xml" > "$KAFKA_HOME/pom.xml"
  rm -rf "$KAFKA_HOME/libs"
  mvn -q -B -f "$KAFKA_HOME/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_HOME/libs" -DincludeScope=runtime >&2 || die "maven could not resolve Kafka"
  touch "$KAFKA_HOME/.complete"
}

ready() { port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$LOG_DIR/kafka.log" 2>/dev/null; }

start() {
  install
  if pid_alive kafka; then log "already running"; return 0; fi
  mkdir -p "$KAFKA_DATA"
  sed -e "s#@DATA@#$KAFKA_DATA/data#" -e "s#@PORT@#$KAFKA_PORT#g" -e "s#@CPORT@#$KAFKA_CONTROLLER_PORT#g" \
    "$REPO_ROOT/deploy/local/kafka/server.properties" > "$KAFKA_DATA/server.properties"
  local cp="$KAFKA_HOME/libs/*"
  if [ ! -f "$KAFKA_DATA/data/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    log "formatting storage (cluster $cluster_id)"
    java -cp "$cp" kafka.tools.StorageTool format --standalone -t "$cluster_id" \
      -c "$KAFKA_DATA/server.properties" >>"$LOG_DIR/kafka-format.log" 2>&1 || die "storage format failed"
  fi
  : > "$LOG_DIR/kafka.log"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
    -cp "$cp" kafka.Kafka "$KAFKA_DATA/server.properties" >>"$LOG_DIR/kafka.log" 2>&1 &
  echo $! > "$PID_DIR/kafka.pid"
  wait_for "kafka on :$KAFKA_PORT" 120 ready
}

case "${1:-start}" in
  install) install ;;
  start) start ;;
  stop) stop_pidfile kafka 60 ;;
  status) pid_alive kafka && ready && echo "kafka: running on :$KAFKA_PORT" || { echo "kafka: stopped"; exit 1; } ;;
  *) die "usage: $0 install|start|stop|status" ;;
esac
