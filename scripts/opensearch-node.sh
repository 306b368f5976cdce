#!/usr/bin/env bash
# A real single-node OpenSearch 2.19 on 127.0.0.1 for tests and benchmarks, built from
# Maven Central jars (tests/services/opensearch: pom.xml + faldone.OpenSearchNode).
#
#   scripts/opensearch-node.sh start  [PORT] [DATA_DIR]   build if needed, start, wait for health, print URL
#   scripts/opensearch-node.sh stop   [PORT] [DATA_DIR]   SIGTERM (then SIGKILL after 30 s)
#   scripts/opensearch-node.sh status [PORT] [DATA_DIR]   exit 0 and print health if up, 3 if not
#   scripts/opensearch-node.sh build                      only (re)build the launcher
#
# PORT defaults to 9250, DATA_DIR to /tmp/faldone-opensearch-PORT (holds data/, logs/,
# node.log, node.pid). Only `start` prints to stdout: the URL, e.g. http://127.0.0.1:9250.
#
# Environment:
#   OPENSEARCH_JAVA        java binary for the node (default: `java` on PATH, Java 17+)
#   OPENSEARCH_JAVA_OPTS   JVM flags (default: -Xms512m -Xmx1g ...)
#   OPENSEARCH_START_TIMEOUT  seconds to wait for green/yellow health (default 180)
#   OPENSEARCH_SETTINGS    extra node settings, space-separated key=value
#   OPENSEARCH_CDS=0       do not use/record the class-data-sharing archive (see below)
#
# Running as root is fine: the node is embedded (org.opensearch.node.Node started from our
# own main), so the distribution's bootstrap checks, including "can not run as root", do
# not run. The first build resolves ~90 MB of jars into ~/.m2; later builds work offline.
#
# Start-up is mostly class loading: the first start records an AppCDS archive when the node
# stops (target/cds/, ~70 MB), and later starts load it (about 8 s -> 5 s on 2 cores). An
# archive that does not match the JVM or the jars is ignored by the JVM; rebuilding drops it.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NAME=opensearch
MODULE="$ROOT/tests/services/opensearch"
TARGET="$MODULE/target"
JAR=faldone-opensearch-node.jar
BUILD_INPUTS=("$MODULE/pom.xml" "$MODULE/src")
PORT="${2:-9250}"
DATA_DIR="${3:-/tmp/faldone-opensearch-$PORT}"
JAVA="${OPENSEARCH_JAVA:-java}"
TIMEOUT="${OPENSEARCH_START_TIMEOUT:-180}"
CDS="${OPENSEARCH_CDS:-1}"
SCHEME=http
CURL_CONFIG=""
USAGE_LINES=5,8
# shellcheck source=scripts/lib/search-node.sh
. "$ROOT/scripts/lib/search-node.sh"

launch() {
  local opts classpath
  opts="${OPENSEARCH_JAVA_OPTS:--Xms512m -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError}"
  opts="$opts -Djava.io.tmpdir=$DATA_DIR/tmp -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true"
  opts="$opts -Djava.awt.headless=true -Dopensearch.networkaddress.cache.ttl=60 $(cds_options)"
  classpath="$TARGET/$JAR:$(cat "$TARGET/classpath.txt")"  # jars only (CDS ignores classes in directories)
  # shellcheck disable=SC2086  # opts and OPENSEARCH_SETTINGS are word lists
  nohup setsid "$JAVA" $opts -cp "$classpath" faldone.OpenSearchNode "$PORT" "$DATA_DIR" \
    ${OPENSEARCH_SETTINGS:-} >"$DATA_DIR/node.log" 2>&1 </dev/null &
  echo "$!" >"$DATA_DIR/node.pid"
}

node_main "${1:-}"
