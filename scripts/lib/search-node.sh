# What scripts/opensearch-node.sh and scripts/elasticsearch-node.sh share: build the launcher
# with Maven, start the JVM, wait for health, stop it, keep its class-data-sharing archive.
# Sourced, not run. The caller sets
#   NAME MODULE TARGET JAR PORT DATA_DIR JAVA TIMEOUT SCHEME USAGE_LINES CDS
#   BUILD_INPUTS (array: paths whose change means a rebuild) and CURL_CONFIG (may be empty)
# and defines `launch`: start the node in the background and write its pid to $DATA_DIR/node.pid.
# shellcheck shell=bash

log() { echo "$NAME-node: $*" >&2; }

usage() {
  sed -n "${USAGE_LINES}p" "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# True when target/ is up to date with its inputs and every jar is still in ~/.m2.
built() {
  [ -f "$TARGET/classpath.txt" ] && [ -f "$TARGET/$JAR" ] || return 1
  [ -z "$(find "${BUILD_INPUTS[@]}" -newer "$TARGET/classpath.txt" -print -quit)" ] || return 1
  local jar
  while IFS= read -r -d ':' jar; do
    [ -f "$jar" ] || return 1
  done < <(printf '%s:' "$(cat "$TARGET/classpath.txt")")
}

build() {
  mkdir -p "$TARGET"
  (
    # several test workers may start nodes at once: build under one lock
    flock 9
    if built; then exit 0; fi
    log "building $MODULE (Maven)"
    # offline first (everything cached in ~/.m2), then online for the first resolution
    if ! mvn -q -B -o -f "$MODULE/pom.xml" package >"$TARGET/build.log" 2>&1; then
      mvn -q -B -f "$MODULE/pom.xml" package >"$TARGET/build.log" 2>&1 || {
        tail -n 40 "$TARGET/build.log" >&2
        log "build failed (full log: $TARGET/build.log)"
        exit 1
      }
    fi
    # build-classpath leaves an unchanged classpath.txt untouched: mark the build as fresh
    touch "$TARGET/classpath.txt"
    rm -rf "$TARGET/cds"  # a CDS archive is tied to the exact jars
  ) 9>"$TARGET/.build.lock"
}

# One archive per JVM binary (and per module set: SECURE_SUFFIX, the secure node loads more classes).
cds_archive() {
  local java_bin
  java_bin="$(readlink -f "$(command -v "$JAVA")")"
  echo "$TARGET/cds/node-$(printf '%s' "$java_bin" | md5sum | cut -c1-12)${SECURE_SUFFIX:-}.jsa"
}

# JVM flags that use the archive, or record it when this JVM exits (`stop` moves it into place).
cds_options() {
  [ "$CDS" != 0 ] || return 0
  local archive
  archive="$(cds_archive)"
  if [ -f "$archive" ]; then
    echo "-XX:SharedArchiveFile=$archive -Xlog:cds=off,cds+dynamic=off"
  else
    mkdir -p "$TARGET/cds"
    echo "-XX:ArchiveClassesAtExit=$archive.$PORT.tmp -Xlog:cds=off,cds+dynamic=off"
  fi
}

pid_alive() {
  local pid
  [ -f "$DATA_DIR/node.pid" ] || return 1
  pid="$(cat "$DATA_DIR/node.pid")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

health() {
  # CURL_CONFIG: a curl config file (user, cacert) for a node with security on; never argv
  curl -fsS --max-time 5 ${CURL_CONFIG:+-K "$CURL_CONFIG"} "$SCHEME://127.0.0.1:$PORT/_cluster/health${1:-}" 2>/dev/null
}

start() {
  if pid_alive; then
    if health >/dev/null; then
      log "already running (pid $(cat "$DATA_DIR/node.pid"))"
      echo "$SCHEME://127.0.0.1:$PORT"
      return 0
    fi
    log "pid $(cat "$DATA_DIR/node.pid") is alive but $SCHEME://127.0.0.1:$PORT does not answer; stop it first"
    return 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    log "port $PORT is already in use by another process"
    return 1
  fi
  command -v "$JAVA" >/dev/null || { log "java not found ($JAVA)"; return 1; }
  build
  mkdir -p "$DATA_DIR/tmp"
  launch
  local pid
  pid="$(cat "$DATA_DIR/node.pid")"
  log "started pid $pid, log $DATA_DIR/node.log; waiting for health (up to ${TIMEOUT}s)"

  local launched=$SECONDS deadline=$((SECONDS + TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "node exited during startup; last lines of $DATA_DIR/node.log:"
      tail -n 40 "$DATA_DIR/node.log" >&2
      rm -f "$DATA_DIR/node.pid"
      return 1
    fi
    local body
    if body="$(health '?wait_for_status=yellow&timeout=1s')"; then
      case "$body" in
        *'"status":"green"'* | *'"status":"yellow"'*)
          log "healthy $((SECONDS - launched))s after launch: $body"
          echo "$SCHEME://127.0.0.1:$PORT"
          return 0
          ;;
      esac
    fi
    sleep 0.5
  done
  log "no green/yellow health after ${TIMEOUT}s; last lines of $DATA_DIR/node.log:"
  tail -n 40 "$DATA_DIR/node.log" >&2
  stop
  return 1
}

stop() {
  if ! pid_alive; then
    rm -f "$DATA_DIR/node.pid"
    log "not running"
    return 0
  fi
  local pid i
  pid="$(cat "$DATA_DIR/node.pid")"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$DATA_DIR/node.pid"
  local recorded
  for recorded in "$TARGET"/cds/*.jsa."$PORT".tmp; do  # whichever archive this node recorded
    [ -e "$recorded" ] || continue
    if [ -s "$recorded" ]; then
      mv -f "$recorded" "${recorded%."$PORT".tmp}"
      log "recorded class-data-sharing archive ${recorded%."$PORT".tmp} for faster starts"
    fi
    rm -f "$recorded"
  done
  log "stopped pid $pid"
}

status() {
  local body
  if pid_alive && body="$(health)"; then
    log "running, pid $(cat "$DATA_DIR/node.pid"), $SCHEME://127.0.0.1:$PORT"
    echo "$body"
    return 0
  fi
  log "not running on port $PORT (data dir $DATA_DIR)"
  return 3
}

node_main() {
  case "$PORT" in '' | *[!0-9]*) log "PORT must be a number, got '$PORT'"; exit 2 ;; esac
  case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    build) build ;;
    *) usage ;;
  esac
}
