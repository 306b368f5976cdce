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
NAME=elasticsearch
MODULE="$ROOT/tests/services/elasticsearch"
TARGET="$MODULE/target"
JAR=faldone-elasticsearch-node.jar
BUILD_INPUTS=("$MODULE/pom.xml" "$MODULE/src" "$MODULE/es-home")
PORT="${2:-9260}"
DATA_DIR="${3:-/tmp/faldone-elasticsearch-$PORT}"
JAVA="${ES_JAVA:-java}"
TIMEOUT="${ES_START_TIMEOUT:-180}"
CDS="${ES_CDS:-1}"
SCHEME="${ES_SCHEME:-http}"
CURL_CONFIG="${ES_CURL_CONFIG:-}"
USAGE_LINES=6,9
# shellcheck source=scripts/lib/search-node.sh
. "$ROOT/scripts/lib/search-node.sh"

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

# The analysis dictionaries the node may use: /usr/share/hunspell copied into its config.
copy_hunspell() {
  mkdir -p "$DATA_DIR/config/hunspell"
  local hs="${ES_HUNSPELL:-/usr/share/hunspell}" f loc
  [ -d "$hs" ] || return 0
  for f in "$hs"/*.dic; do
    [ -e "$f" ] || continue
    loc="$(basename "$f" .dic)"
    [ -f "$hs/$loc.aff" ] || continue
    mkdir -p "$DATA_DIR/config/hunspell/$loc"
    cp -L "$hs/$loc.aff" "$hs/$loc.dic" "$DATA_DIR/config/hunspell/$loc/"
  done
}

launch() {
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
  copy_hunspell
  local opts
  opts="${ES_JAVA_OPTS:--Xms512m -Xmx1g} -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -XX:-OmitStackTraceInFastThrow"
  opts="$opts -Djava.io.tmpdir=$DATA_DIR/tmp -Dfile.encoding=UTF-8 -Djava.awt.headless=true -Djna.nosys=true"
  opts="$opts -Dlog4j2.formatMsgNoLookups=true -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true"
  opts="$opts -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0"
  opts="$opts -Des.networkaddress.cache.ttl=60 -Des.networkaddress.cache.negative.ttl=10 -Djava.locale.providers=SPI,COMPAT"
  opts="$opts $(cds_options)"
  # shellcheck disable=SC2086  # opts and ES_SETTINGS are word lists
  nohup setsid "$JAVA" $opts --module-path "$(cat "$TARGET/classpath.txt")" --add-modules=ALL-MODULE-PATH \
    -cp "$TARGET/$JAR" faldone.ElasticsearchNode "$PORT" "$home" "$DATA_DIR" \
    $security_settings ${ES_SETTINGS:-} >"$DATA_DIR/node.log" 2>&1 </dev/null &
  echo "$!" >"$DATA_DIR/node.pid"
}

node_main "${1:-}"
