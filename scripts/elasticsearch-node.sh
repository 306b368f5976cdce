#!/usr/bin/env bash
# A real single-node Elasticsearch 8.19 on 127.0.0.1 for tests and benchmarks, built from
# Maven Central jars (tests/services/elasticsearch: pom.xml + faldone.ElasticsearchNode +
# our faldone-extras module for GET / and the analysis pieces that are not published).
#
#   scripts/elasticsearch-node.sh start  [PORT] [DATA_DIR]   build if needed, start, wait for health, print URL
#   scripts/elasticsearch-node.sh stop   [PORT] [DATA_DIR]   SIGTERM (then SIGKILL after 30 s)
#   scripts/elasticsearch-node.sh status [PORT] [DATA_DIR]   exit 0 and print health if up, 3 if not
#   scripts/elasticsearch-node.sh build                      only (re)build the launcher
#
# PORT defaults to 9260, DATA_DIR to /tmp/faldone-elasticsearch-PORT (holds config/, data/,
# logs/, node.log, node.pid). Only `start` prints to stdout: the URL.
#
# Environment:
#   ES_JAVA            java binary for the node (default: `java` on PATH, Java 17+)
#   ES_JAVA_OPTS       JVM heap flags (default: -Xms512m -Xmx1g)
#   ES_START_TIMEOUT   seconds to wait for green/yellow health (default 180)
#   ES_SETTINGS        extra node settings, space-separated key=value
#   ES_CDS=0           do not use/record the class-data-sharing archive
#   ES_HUNSPELL        folder of LOCALE.aff/.dic files (default /usr/share/hunspell when present)
#   ES_SECURITY=1      security on (x-pack-core + x-pack-security modules): DATA_DIR/config must
#                      hold the TLS files and the file realm's users / users_roles (see
#                      tests/services/elasticsearch.py); then ES_SCHEME=https and ES_CURL_CONFIG
#                      (a curl config file with user and cacert) for the health check
#
# The server jars run on the MODULE path (PluginsService needs org.elasticsearch.server to be
# a named module); only the launcher is on the classpath. No x-pack: plain HTTP, no security.
# The jars (Elastic License 2.0 / SSPL / AGPL-3.0) are fetched by Maven into ~/.m2 for tests
# only; nothing of them is committed or shipped. Running as root works: no bootstrap checks.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MODULE="$ROOT/tests/services/elasticsearch"
TARGET="$MODULE/target"

cmd="${1:-}"
PORT="${2:-9260}"
DATA_DIR="${3:-/tmp/faldone-elasticsearch-$PORT}"
JAVA="${ES_JAVA:-java}"
TIMEOUT="${ES_START_TIMEOUT:-180}"
SCHEME="${ES_SCHEME:-http}"

log() { echo "elasticsearch-node: $*" >&2; }

usage() {
  sed -n '6,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

case "$PORT" in '' | *[!0-9]*) log "PORT must be a number, got '$PORT'"; exit 2 ;; esac

# True when target/ is up to date with the pom and the sources and every jar is still in ~/.m2.
built() {
  [ -f "$TARGET/classpath.txt" ] && [ -f "$TARGET/faldone-elasticsearch-node.jar" ] || return 1
  [ -z "$(find "$MODULE/pom.xml" "$MODULE/src" "$MODULE/es-home" -newer "$TARGET/classpath.txt" -print -quit)" ] || return 1
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

# One archive per JVM binary (and per module set: the secure node loads more classes).
cds_archive() {
  local java_bin
  java_bin="$(readlink -f "$(command -v "$JAVA")")"
  echo "$TARGET/cds/node-$(printf '%s' "$java_bin" | md5sum | cut -c1-12)${SECURE_SUFFIX:-}.jsa"
}

# The artifact name of a jar path (~/.m2/.../name-1.2.3.jar -> name).
artifact() { basename "$1" | sed -E 's/-[0-9][A-Za-z0-9._-]*\.jar$//'; }

# A second ES home, target/es-home-secure, with Elasticsearch's own security: the x-pack-core
# and x-pack-security modules (from Maven Central, resolved by tests/services/elasticsearch/
# xpack/*/pom.xml), each module folder holding the jars its parent does not already have.
build_security() {
  local secure="$TARGET/es-home-secure" stamp="$TARGET/es-home-secure/.built"
  if [ -f "$stamp" ] && [ -z "$(find "$MODULE/xpack" "$TARGET/classpath.txt" -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  (
    flock 9
    log "assembling the x-pack security modules (Maven)"
    local m
    for m in core security; do
      local goal=(org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath "-Dmdep.outputFile=$TARGET/xpack-$m.txt")
      if ! mvn -q -B -o -f "$MODULE/xpack/$m/pom.xml" "${goal[@]}" >"$TARGET/build-xpack.log" 2>&1; then
        mvn -q -B -f "$MODULE/xpack/$m/pom.xml" "${goal[@]}" >"$TARGET/build-xpack.log" 2>&1 || {
          tail -n 40 "$TARGET/build-xpack.log" >&2
          log "x-pack resolution failed (full log: $TARGET/build-xpack.log)"
          exit 1
        }
      fi
    done
    rm -rf "$secure"
    mkdir -p "$secure/modules/x-pack-core" "$secure/modules/x-pack-security"
    cp -r "$TARGET/es-home/modules/." "$secure/modules/"
    declare -A have=()
    local jar name
    while IFS= read -r jar; do have[$(artifact "$jar")]=1; done < <(tr ':' '\n' <"$TARGET/classpath.txt")
    while IFS= read -r jar; do
      name="$(artifact "$jar")"
      [ -n "${have[$name]:-}" ] && continue
      have[$name]=1
      cp "$jar" "$secure/modules/x-pack-core/"
    done < <(tr ':' '\n' <"$TARGET/xpack-core.txt")
    # the same classes twice is "jar hell" for the node: leave out what another jar already brings
    # (jakarta.activation holds the -api classes; es-opensaml-security-api replaces OpenSAML's)
    have[jakarta.activation-api]=1
    have[opensaml-security-api]=1
    while IFS= read -r jar; do
      name="$(artifact "$jar")"
      [ -n "${have[$name]:-}" ] && continue
      have[$name]=1
      cp "$jar" "$secure/modules/x-pack-security/"
    done < <(tr ':' '\n' <"$TARGET/xpack-security.txt")
    for m in core security; do
      unzip -p "$secure/modules/x-pack-$m/x-pack-$m-"*.jar "META-INF/es-plugins/x-pack-$m/plugin-descriptor.properties" \
        >"$secure/modules/x-pack-$m/plugin-descriptor.properties"
    done
    touch "$stamp"
  ) 9>"$TARGET/.build-security.lock"
}

pid_alive() {
  local pid
  [ -f "$DATA_DIR/node.pid" ] || return 1
  pid="$(cat "$DATA_DIR/node.pid")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

health() {
  # ES_CURL_CONFIG: a curl config file (user, cacert) for a node with security on; never argv
  curl -fsS --max-time 5 ${ES_CURL_CONFIG:+-K "$ES_CURL_CONFIG"} "$SCHEME://127.0.0.1:$PORT/_cluster/health${1:-}" 2>/dev/null
}

start() {
  if pid_alive; then
    if health >/dev/null; then
      log "already running (pid $(cat "$DATA_DIR/node.pid"))"
      echo "$SCHEME://127.0.0.1:$PORT"
      return 0
    fi
    log "pid $(cat "$DATA_DIR/node.pid") is alive but http://127.0.0.1:$PORT does not answer; stop it first"
    return 1
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    log "port $PORT is already in use by another process"
    return 1
  fi
  command -v "$JAVA" >/dev/null || { log "java not found ($JAVA)"; return 1; }
  build
  local home="$TARGET/es-home" security_settings=""
  if [ "${ES_SECURITY:-0}" = 1 ]; then
    build_security
    home="$TARGET/es-home-secure"
    SECURE_SUFFIX="-secure"
    # TLS on HTTP with DATA_DIR/config/certs/{node.key,node.crt,ca.crt}; users from the file
    # realm (DATA_DIR/config/users, users_roles). One node: no transport TLS needed.
    security_settings="http.type=security4 transport.type=security4 xpack.security.enabled=true"
    security_settings="$security_settings xpack.security.http.ssl.enabled=true xpack.security.http.ssl.key=certs/node.key"
    security_settings="$security_settings xpack.security.http.ssl.certificate=certs/node.crt"
    security_settings="$security_settings xpack.security.http.ssl.certificate_authorities=certs/ca.crt"
    security_settings="$security_settings xpack.security.transport.ssl.enabled=false xpack.license.self_generated.type=basic"
  fi

  mkdir -p "$DATA_DIR/tmp" "$DATA_DIR/config/hunspell"
  local hs="${ES_HUNSPELL:-/usr/share/hunspell}" f loc
  if [ -d "$hs" ]; then
    for f in "$hs"/*.dic; do
      [ -e "$f" ] || continue
      loc="$(basename "$f" .dic)"
      [ -f "$hs/$loc.aff" ] || continue
      mkdir -p "$DATA_DIR/config/hunspell/$loc"
      cp -L "$hs/$loc.aff" "$hs/$loc.dic" "$DATA_DIR/config/hunspell/$loc/"
    done
  fi
  local opts
  opts="${ES_JAVA_OPTS:--Xms512m -Xmx1g} -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow"
  opts="$opts -Djava.io.tmpdir=$DATA_DIR/tmp -Dfile.encoding=UTF-8 -Djava.awt.headless=true -Djna.nosys=true"
  opts="$opts -Dlog4j2.formatMsgNoLookups=true -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true"
  opts="$opts -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0"
  opts="$opts -Des.networkaddress.cache.ttl=60 -Des.networkaddress.cache.negative.ttl=10 -Djava.locale.providers=SPI,COMPAT"
  if [ "${ES_CDS:-1}" != 0 ]; then
    local archive
    archive="$(cds_archive)"
    if [ -f "$archive" ]; then
      opts="$opts -XX:SharedArchiveFile=$archive -Xlog:cds=off,cds+dynamic=off"
    else
      # recorded when this JVM exits; `stop` moves it into place
      mkdir -p "$TARGET/cds"
      opts="$opts -XX:ArchiveClassesAtExit=$archive.$PORT.tmp -Xlog:cds=off,cds+dynamic=off"
    fi
  fi
  # shellcheck disable=SC2086  # opts and ES_SETTINGS are word lists
  nohup setsid "$JAVA" $opts --module-path "$(cat "$TARGET/classpath.txt")" --add-modules=ALL-MODULE-PATH \
    -cp "$TARGET/faldone-elasticsearch-node.jar" faldone.ElasticsearchNode "$PORT" "$home" "$DATA_DIR" \
    $security_settings ${ES_SETTINGS:-} >"$DATA_DIR/node.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$DATA_DIR/node.pid"
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
  for recorded in "$TARGET"/cds/*.jsa."$PORT".tmp; do  # the plain or the secure node's archive
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
  if pid_alive && body="$(health)"; then
    log "running, pid $(cat "$DATA_DIR/node.pid"), http://127.0.0.1:$PORT"
    echo "$body"
    return 0
  fi
  log "not running on port $PORT (data dir $DATA_DIR)"
  return 3
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  build) build ;;
  *) usage ;;
esac
